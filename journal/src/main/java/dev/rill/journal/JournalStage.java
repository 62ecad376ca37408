package dev.rill.journal;

import dev.rill.bus.Journal;
import dev.rill.bus.JournalReader;
import java.util.Objects;

import dev.rill.bus.EventSlot;
import dev.rill.bus.Stage;
import org.agrona.concurrent.EpochNanoClock;

/**
 * First stage: appends every accepted event, exactly as encoded and stamped by the gateway, to
 * journal "in", and records its index in the slot. An event is never acknowledged before this
 * stage has run for it.
 *
 * <p>Owns the "in" appender: only the pipeline thread running this stage calls it. Allocates
 * nothing per event.
 */
public final class JournalStage implements Stage
{
    private final Journal in;
    private final EpochNanoClock clock;

    public JournalStage(final Journal in, final EpochNanoClock clock)
    {
        this.in = Objects.requireNonNull(in, "in");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public void onEvent(final EventSlot slot, final long sequence, final boolean endOfBatch)
    {
        final long index = in.append(slot.encoded(), 0, slot.encodedLength());
        slot.journaled(index, clock.nanoTime());
    }

    @Override
    public String name()
    {
        return "journal";
    }
}
