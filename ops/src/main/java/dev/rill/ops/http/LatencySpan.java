package dev.rill.ops.http;

import dev.rill.bus.metrics.PipelineLatencies;
import org.HdrHistogram.Histogram;

/**
 * The four latencies the publish stage records for every event ({@link PipelineLatencies}), by the
 * name they carry on {@code /metrics}: from the gateway's ingest stamp to the end of the journal
 * append, of the model run, and of the "out" append; and freshness, from the producer's event time
 * to publish. Stateless; any thread.
 */
public enum LatencySpan
{
    /** Ingest to the end of the "in" append. */
    JOURNAL("journal"),
    /** Ingest to the end of the batch's model run. */
    SCORED("scored"),
    /** Ingest to the "out" append: end to end inside the server. */
    PUBLISHED("published"),
    /** Producer's event time to publish (includes the producer's clock offset). */
    FRESHNESS("freshness");

    private final String label;

    LatencySpan(final String label)
    {
        this.label = label;
    }

    /** @return the value of the {@code stage} label on {@code /metrics} (freshness has a metric of its own). */
    public String label()
    {
        return label;
    }

    /** @return this span's histogram of an interval (nanoseconds). */
    public Histogram of(final PipelineLatencies.Interval interval)
    {
        switch (this)
        {
            case JOURNAL:
                return interval.ingestToJournal();
            case SCORED:
                return interval.ingestToScored();
            case PUBLISHED:
                return interval.ingestToPublish();
            default:
                return interval.freshness();
        }
    }
}
