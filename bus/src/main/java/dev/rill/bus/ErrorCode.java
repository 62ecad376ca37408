package dev.rill.bus;

/**
 * Every error Rill reports, with one numeric code shared by the wire protocol (Nack and Error
 * frames), the {@code rill} command's exit status and metrics labels.
 *
 * <p>Codes are stable: never renumber one, only add. {@code docs/protocol.md} lists them for
 * client implementers; keep the two in step.
 */
public enum ErrorCode
{
    /** Frame length below the smallest message or negative: the stream cannot be trusted; closes. */
    BAD_FRAME_LENGTH(1, true, "frame length is below the 8-byte message header or negative; fix the framing (4-byte little-endian length, then the message)"),
    /** Frame longer than the server's maximum: its bytes are skipped, the connection stays. */
    FRAME_TOO_LARGE(2, false, "frame is longer than the server's maximum frame length (see Welcome.maxFrameLength); split or shrink the event"),
    /** Message header names a template id the server does not know. */
    UNKNOWN_MESSAGE_TYPE(3, false, "unknown message template id; see docs/protocol.md for the message types"),
    /** Message header names another schema id or a schema version newer than the server's. */
    UNSUPPORTED_SCHEMA(4, false, "schema id or version not supported by this server; send schema id 7301 at a version up to the server's"),
    /** Body shorter than its declared block, groups or variable-length fields. */
    MALFORMED_MESSAGE(5, false, "message body is truncated or its lengths are inconsistent"),
    /** A frame other than Hello arrived before Hello; closes. */
    HELLO_REQUIRED(6, true, "the first frame of a connection must be Hello"),
    /** The event names a topic the server is not configured with. */
    UNKNOWN_TOPIC(7, false, "topic is not configured on this server; check the topic name or add it to the topics section of the config"),
    /** The event carries a different number of fields than its topic declares. */
    FIELD_COUNT_MISMATCH(8, false, "the event has more values than its topic's schema version has fields; send at most the version's fields, in its declared order"),
    /** A field is NaN or infinite. */
    NOT_A_NUMBER(9, false, "a field is NaN or infinite; every field must be a finite number"),
    /** The event's seq is not above the last seq this connection sent. */
    SEQ_NOT_INCREASING(10, false, "seq must increase strictly within a connection"),
    /** A second Hello on the same connection. */
    DUPLICATE_HELLO(11, false, "Hello was already received on this connection"),
    /** Subscribe with an index outside journal out, or an unknown topic. */
    BAD_SUBSCRIPTION(12, false, "subscription start is invalid; use EARLIEST, LATEST or an index between the journal's first and next index"),
    /** A message only the server sends (Welcome, Ack, Result, ...) was sent to the server. */
    UNEXPECTED_MESSAGE(13, false, "this message type is sent by the server only"),
    /** The event has more fields than {@code pipeline.maxFields}. */
    EVENT_TOO_LARGE(14, false, "event has more fields than the server's pipeline.maxFields; send fewer fields or raise the limit"),
    /** The server is stopping; the connection closes. Events not acknowledged must be resent. */
    SERVER_SHUTTING_DOWN(15, true, "server is shutting down; reconnect and resend what was not acknowledged"),
    /** The server failed internally; the connection closes. Events not acknowledged must be resent. */
    INTERNAL_ERROR(16, true, "internal server error; see the server log, then reconnect and resend what was not acknowledged"),
    /** The server has {@code gateway.maxConnections} connections open; closes. Retry later. */
    CONNECTION_LIMIT(17, true, "the server's connection limit is reached; retry with backoff, or raise gateway.maxConnections"),
    /**
     * A session of the same producer with a higher epoch said Hello (this connection closes), or
     * this Hello's epoch is below one the server has already seen for the producer (refused).
     */
    PRODUCER_FENCED(18, true, "a newer session (higher epoch) of this producer id is connected; stop this instance, or restart it with a higher epoch"),
    /** Free space of the data directory is below {@code journal.diskReserve}: the event was not accepted. */
    DISK_FULL(19, false, "the server's disk is below its free-space reserve; the event was not journaled: resend it later, the bus resumes by itself when space frees"),
    /** A configuration key or value is invalid (rill command exit status). */
    CONFIG_INVALID(20, true, "configuration is invalid; fix the named key"),
    /** A journal cannot be opened or read (rill command exit status). */
    JOURNAL_UNREADABLE(21, true, "journal cannot be opened or read; check the data directory"),
    /** A model cannot be loaded or does not match its model.json (rill command exit status). */
    MODEL_INVALID(22, true, "model cannot be loaded or does not match its model.json"),
    /** A journal record is truncated, fails its checksum, or does not decode (rill command exit status). */
    JOURNAL_CORRUPT(23, true, "a journal record is truncated, corrupt or undecodable; run rill journal verify, see ops/runbooks/corrupt-journal.md"),
    /**
     * The producer sent more than its quota ({@code gateway.quota}, refuse mode): the event was not
     * accepted and the connection is not read until the producer's bucket has refilled.
     */
    QUOTA_EXCEEDED(24, false, "the producer is over its quota (gateway.quota: events or bytes per second); the event was not journaled: " +
        "slow down and send it again later as a new event (new seq), or ask the operator to raise this producer's quota " +
        "(see ops/runbooks/producer-over-quota.md)"),
    /** The Event names a schema version its topic does not have (Event.schemaVersion, version 4). */
    UNKNOWN_SCHEMA_VERSION(25, false, "the topic has no schema of this version; send a version the server's topic declares (see rill topic show)"),
    /** The Event has fewer values than its schema's required fields. */
    MISSING_FIELD(26, false, "a required field of the topic's schema is missing; send every required field, in the schema's order"),
    /** A field value lies outside the range its schema declares. */
    VALUE_OUT_OF_RANGE(27, false, "a field value is outside the range the topic's schema declares for it"),
    /** A field value does not fit the type its schema declares (an int or bool field with a fraction, say). */
    WRONG_FIELD_TYPE(28, false, "a field value does not fit the type the topic's schema declares for it (int: a whole number; bool: 0 or 1)"),
    /** The event's time is further behind the server's ingest time than its topic allows, and the topic rejects late events. */
    EVENT_TOO_LATE(29, false, "the event's time is older than the topic's allowed lateness; it was not journaled (it is in the dead-letter journal)"),
    /** Hello's token is missing, unknown or revoked; closes. */
    AUTHENTICATION_FAILED(30, true, "the Hello token is missing, unknown or revoked; ask the operator for a valid token"),
    /** The connection's token may not do this (produce to / subscribe to this topic, use the admin channel). */
    NOT_AUTHORIZED(31, false, "this token is not allowed to do that on this topic; ask the operator to extend its ACL"),
    /** No complete Hello (or TLS handshake) arrived within gateway.handshakeTimeout of connecting; closes. */
    HANDSHAKE_TIMEOUT(32, true, "no Hello arrived within the server's handshake timeout (gateway.handshakeTimeout); send Hello right after connecting"),
    /** Nothing arrived on the connection for gateway.idleTimeout; closes. */
    IDLE_TIMEOUT(33, true, "the connection was idle longer than the server's idle timeout (gateway.idleTimeout); send Ping to keep an idle connection open"),
    /** The subscriber fell further behind journal "out" than gateway.subscriberMaxLag allows; closes. */
    SUBSCRIBER_TOO_SLOW(34, true, "the subscriber fell too far behind the journal (gateway.subscriberMaxLag); reconnect and resume from the last processed out index"),
    /**
     * This cluster member is not the leader: it takes no events (a Hello of a producer, or an
     * Event), or it just lost leadership. The message names the leader's gateway when known;
     * reconnect there and resend what was not acknowledged.
     */
    NOT_LEADER(35, true, "this cluster member is not the leader and takes no events; reconnect to the leader (the message names it when known) " +
        "and resend what was not acknowledged"),
    /** The event's key belongs to a partition this node does not own (partitioned mode, docs/scale-out.md §3); not journaled. */
    WRONG_PARTITION(36, false, "the event's key belongs to a partition this server does not own; reload the partition map and send the event " +
        "to the partition's owner (PartitionedProducer does both)"),
    /** The command line was wrong (rill command exit status). */
    USAGE(64, true, "command line is invalid; see rill --help");

    private static final ErrorCode[] BY_CODE = new ErrorCode[65];

    static
    {
        for (final ErrorCode e : values())
        {
            BY_CODE[e.code] = e;
        }
    }

    private final int code;
    private final boolean fatal;
    private final String description;

    ErrorCode(final int code, final boolean fatal, final String description)
    {
        this.code = code;
        this.fatal = fatal;
        this.description = description;
    }

    /** @return the stable numeric code sent on the wire and used as exit status. */
    public int code()
    {
        return code;
    }

    /** @return true when the server answers with Error and closes the connection. */
    public boolean fatal()
    {
        return fatal;
    }

    /** @return what was wrong and what to do about it. */
    public String description()
    {
        return description;
    }

    /**
     * @param code numeric code from a Nack or Error frame.
     * @return the matching error code, or null if this build does not know it.
     */
    public static ErrorCode ofCode(final int code)
    {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
