package dev.rill.ml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import dev.rill.bus.EventSlot;
import dev.rill.ml.train.FraudDataGenerator;

/** Paths to the committed model and copies of it, altered for the refusal tests. */
final class TestModels
{
    /** The committed fraud model, relative to the module directory (surefire's working directory). */
    static final Path COMMITTED_FRAUD = Path.of("..", "models", "fraud", "1");

    private TestModels()
    {
    }

    /**
     * Copies the committed model into {@code parent/1}, letting the caller alter the ONNX bytes and
     * the descriptor; the descriptor's checksum is recomputed over the altered bytes unless the
     * descriptor alteration sets one itself.
     */
    static Path alteredCopy(
        final Path parent,
        final UnaryOperator<byte[]> alterOnnx,
        final UnaryOperator<ModelDescriptor> alterDescriptor) throws IOException
    {
        final Path dir = Files.createDirectories(parent.resolve("1"));
        final byte[] onnx = alterOnnx.apply(Files.readAllBytes(COMMITTED_FRAUD.resolve(ModelDescriptor.ONNX_FILE)));
        final ModelDescriptor original = ModelDescriptor.read(COMMITTED_FRAUD.resolve(ModelDescriptor.DESCRIPTOR_FILE));
        final ModelDescriptor altered = alterDescriptor.apply(original.withOnnxSha256(ModelFiles.sha256Hex(onnx)));
        Files.write(dir.resolve(ModelDescriptor.ONNX_FILE), onnx);
        altered.write(dir.resolve(ModelDescriptor.DESCRIPTOR_FILE));
        return dir;
    }

    /**
     * Makes {@code count} payment slots (topic id 0) from the generator with this seed and delivers
     * them to the stage as one batch (endOfBatch on the last).
     */
    static List<EventSlot> deliverPayments(final ScoringStage stage, final int count, final long seed)
    {
        final FraudDataGenerator generator = new FraudDataGenerator(seed);
        final List<EventSlot> slots = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            final EventSlot slot = new EventSlot(256, 8);
            slot.clear();
            generator.next(slot.fields());
            slot.topicId(0).fieldCount(FraudFeatures.PAYMENT_FIELDS.size()).key(generator.lastCardId());
            slots.add(slot);
        }
        for (int i = 0; i < count; i++)
        {
            stage.onEvent(slots.get(i), i, i == count - 1);
        }
        return slots;
    }
}
