package dev.rill.ops.alert;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CommandSinkTest
{
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path dir;

    private static Notification notification()
    {
        return new Notification("disk-full", "", Severity.PAGE, Notification.RESOLVED, false, Notification.runbookOf("disk-full"),
            "free space is back", "details", Map.of("usableBytes", 123L), "2027-01-15T08:00:00Z", "2027-01-15T07:00:00Z");
    }

    @Test
    void theCommandGetsTheJsonOnStandardInputAndTheFieldsInItsEnvironment() throws Exception
    {
        final Path stdin = dir.resolve("alert.json");
        final Path env = dir.resolve("alert.env");
        final CommandSink sink = new CommandSink(new CommandSink.Config(List.of("sh", "-c",
            "cat > \"$0\"; printf '%s|%s|%s|%s|%s' \"$RILL_ALERT_NAME\" \"$RILL_ALERT_STATE\" \"$RILL_ALERT_SEVERITY\" " +
                "\"$RILL_ALERT_RUNBOOK\" \"$RILL_ALERT_SUMMARY\" > \"$1\"", stdin.toString(), env.toString()), Duration.ofSeconds(20)));
        final byte[] json = JSON.writeValueAsBytes(notification());

        assertTrue(sink.send(notification(), json));
        final JsonNode written = JSON.readTree(Files.readString(stdin));
        assertEquals("disk-full", written.get("alert").asText());
        assertEquals("resolved", written.get("state").asText());
        assertEquals(123, written.get("values").get("usableBytes").asLong());
        assertEquals("disk-full|resolved|page|ops/runbooks/disk-full.md|free space is back", Files.readString(env));
    }

    @Test
    void aFailingOrHangingCommandIsReportedAsNotDelivered() throws Exception
    {
        final byte[] json = JSON.writeValueAsBytes(notification());
        assertFalse(new CommandSink(new CommandSink.Config(List.of("sh", "-c", "exit 3"), Duration.ofSeconds(20))).send(notification(), json));
        assertFalse(new CommandSink(new CommandSink.Config(List.of("sleep", "30"), Duration.ofMillis(200))).send(notification(), json),
            "killed after its timeout");
        assertFalse(new CommandSink(new CommandSink.Config(List.of(dir.resolve("no-such-program").toString()), Duration.ofSeconds(5)))
            .send(notification(), json));
    }
}
