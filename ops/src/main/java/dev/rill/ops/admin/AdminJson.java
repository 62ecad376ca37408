package dev.rill.ops.admin;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The JSON of the admin channel: the request and error bodies, and the two mappers. The server
 * reads requests strictly (an unknown or mistyped field is a 400 naming it); the client reads
 * answers leniently, so a newer server may add fields without breaking an older {@code rill}.
 * Mappers are thread-safe once built.
 */
final class AdminJson
{
    /** Reads request bodies: unknown fields and nulls for numbers are errors. */
    static final ObjectMapper STRICT = JsonMapper.builder()
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .build();

    /** Writes everything; reads answers, ignoring fields this build does not know. */
    static final ObjectMapper LENIENT = JsonMapper.builder()
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .build();

    private AdminJson()
    {
    }

    /**
     * Body of {@code POST /v1/models/deploy}.
     *
     * @param name    model name; required.
     * @param version version, 0 (or absent) for the newest usable one.
     * @param force   deploy even when a gate would refuse; absent means false.
     */
    record DeployRequest(String name, Integer version, Boolean force)
    {
    }

    /**
     * Body of {@code POST /v1/models/shadow}.
     *
     * @param name    model name; required.
     * @param version version, 0 (or absent) for the newest usable one.
     */
    record ShadowRequest(String name, Integer version)
    {
    }

    /**
     * Answer of {@code GET /v1/topics}.
     *
     * @param topics every topic in force with all its schema versions.
     */
    record TopicsBody(java.util.List<dev.rill.ops.RillConfig.TopicSection> topics)
    {
    }

    /**
     * Body of every answer that is neither a status nor an outcome (401, 400, 404, 405, 413, 500).
     *
     * @param error   upper-case code: UNAUTHORIZED, BAD_REQUEST, NOT_FOUND, METHOD_NOT_ALLOWED, PAYLOAD_TOO_LARGE, INTERNAL_ERROR.
     * @param message what was wrong and what to do.
     */
    record ErrorBody(String error, String message)
    {
    }
}
