package dev.rill.journal.verify;

import java.nio.file.Path;

import dev.rill.bus.JournalReader;
import dev.rill.bus.codec.MessageHeaderDecoder;
import dev.rill.bus.codec.ResultDecoder;
import dev.rill.journal.ChronicleJournal;
import dev.rill.journal.CorrectionRecords;
import dev.rill.journal.JournalConfig;
import dev.rill.journal.LastResultInIndex;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Journals written before schema version 3 stay readable: a version 2 Result (block length 85, no
 * correctsOutIndex) passes the layout check and the verifier, and decodes with every field in its
 * place and correctsOutIndex -1, beside version 3 Results in the same journal.
 */
class ResultVersionTwoTest
{
    @TempDir
    Path dir;

    @Test
    void aVersion2ResultStillDecodesAndVerifiesBesideVersion3Ones()
    {
        final CorrectionRecords records = new CorrectionRecords();
        final int length = records.version2Result(4242, 17, 0.875);
        assertNull(RecordLayoutCheck.forJournal("out").check(records.buffer(), 0, length), "layout of a version 2 Result");
        assertEquals(2, records.buffer().getShort(6) & 0xFFFF);

        final JournalConfig config = JournalConfig.of(dir).withPretouch(false);
        final long v2Index;
        final long v3Index;
        try (ChronicleJournal out = ChronicleJournal.open(config, "out"))
        {
            v2Index = out.append(records.buffer(), 0, length);
            v3Index = records.correction(out, 4242, 17, v2Index);
            assertEquals(4242, new LastResultInIndex(out).getAsLong(), "the version 2 Result is the last live one");
        }

        final JournalVerification verification = JournalVerifier.verify(JournalDirectory.open(config, "out"));
        assertTrue(verification.damage().isEmpty(), verification.damage().toString());

        try (ChronicleJournal out = ChronicleJournal.openReadOnly(config, "out"); JournalReader reader = out.newReader())
        {
            final MessageHeaderDecoder header = new MessageHeaderDecoder();
            final ResultDecoder result = new ResultDecoder();
            final int[] seen = {0};
            while (reader.poll((index, buffer, offset, len) ->
            {
                header.wrap(buffer, offset);
                result.wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
                if (index == v2Index)
                {
                    assertEquals(2, header.version());
                    assertEquals(4242, result.inIndex());
                    assertEquals(7, result.producerId());
                    assertEquals(17, result.seq());
                    assertEquals(170, result.key());
                    assertEquals(20, result.publishTimeNanos());
                    assertEquals(1, result.modelVersion());
                    assertFalse(result.flags().cORRECTION());
                    assertEquals(0.875, result.score());
                    assertEquals(-1, result.correctsOutIndex(), "absent before version 3: -1, never the bytes after the block");
                    assertEquals("payments", result.topic());
                    assertEquals("fraud", result.modelName());
                }
                else
                {
                    assertEquals(v3Index, index);
                    assertEquals(ResultDecoder.SCHEMA_VERSION, header.version());
                    assertTrue(result.flags().cORRECTION());
                    assertEquals(v2Index, result.correctsOutIndex());
                    assertEquals("payments", result.topic());
                }
                seen[0]++;
            }, 10) > 0)
            {
                // to the end
            }
            assertEquals(2, seen[0]);
        }
    }
}
