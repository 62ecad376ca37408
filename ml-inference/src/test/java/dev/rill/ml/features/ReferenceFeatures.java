package dev.rill.ml.features;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.rill.bus.TopicSchema;

/**
 * The documented semantics of {@link StreamingFeatures}, computed the slow and obvious way: every
 * key keeps the plain list of events each window accepted, and each query scans it. Keys live in
 * a {@link LinkedHashMap} in update order. Shares no code with the class under test.
 */
final class ReferenceFeatures
{
    private record Accepted(long bucketId, double value)
    {
    }

    private static final class Key
    {
        long newestEventTime;
        final List<List<Accepted>> acceptedByWindow = new ArrayList<>();
    }

    private final StreamingFeaturesConfig config;
    private final int[] fieldIndexes;
    private final LinkedHashMap<Long, Key> keys = new LinkedHashMap<>();
    private long newestEventTime = Long.MIN_VALUE;
    private long evictedKeys;

    ReferenceFeatures(final StreamingFeaturesConfig config, final TopicSchema topic)
    {
        this.config = config;
        fieldIndexes = new int[config.windows().size()];
        for (int w = 0; w < fieldIndexes.length; w++)
        {
            final WindowSpec window = config.windows().get(w);
            fieldIndexes[w] = window.aggregate() == Aggregate.SUM ? topic.fieldIndex(window.field()) : -1;
        }
    }

    double[] update(final long key, final long t, final double[] fields)
    {
        newestEventTime = Math.max(newestEventTime, t);
        final long idleBefore = newestEventTime - config.idleTimeout().toNanos();
        for (int i = 0; i < 2 && !keys.isEmpty(); i++)
        {
            final Iterator<Map.Entry<Long, Key>> coldest = keys.entrySet().iterator();
            if (coldest.next().getValue().newestEventTime >= idleBefore)
            {
                break;
            }
            coldest.remove();
            evictedKeys++;
        }
        Key state = keys.remove(key);
        if (state == null)
        {
            if (keys.size() == config.maxKeys())
            {
                final Iterator<Long> coldest = keys.keySet().iterator();
                coldest.next();
                coldest.remove();
                evictedKeys++;
            }
            state = new Key();
            state.newestEventTime = t;
            for (int w = 0; w < config.windows().size(); w++)
            {
                state.acceptedByWindow.add(new ArrayList<>());
            }
        }
        state.newestEventTime = Math.max(state.newestEventTime, t);
        keys.put(key, state);
        for (int w = 0; w < config.windows().size(); w++)
        {
            final WindowSpec window = config.windows().get(w);
            final long width = window.window().toNanos() / window.buckets();
            final long bucket = Math.floorDiv(t, width);
            final long newestBucket = Math.floorDiv(state.newestEventTime, width);
            if (newestBucket - bucket < window.buckets())
            {
                state.acceptedByWindow.get(w).add(new Accepted(bucket, fieldIndexes[w] < 0 ? 0.0 : fields[fieldIndexes[w]]));
            }
        }
        return featuresOf(state, t);
    }

    private double[] featuresOf(final Key state, final long t)
    {
        final double[] out = new double[config.windows().size()];
        for (int w = 0; w < out.length; w++)
        {
            final WindowSpec window = config.windows().get(w);
            final int b = window.buckets();
            final long width = window.window().toNanos() / b;
            final long bucket = Math.floorDiv(t, width);
            final List<Accepted> accepted = state.acceptedByWindow.get(w);
            // A bucket is still held unless a later bucket of the same ring position was written.
            final Map<Long, Long> latestByPosition = new HashMap<>();
            for (final Accepted a : accepted)
            {
                latestByPosition.merge(Math.floorMod(a.bucketId(), (long)b), a.bucketId(), Math::max);
            }
            long count = 0;
            double sum = 0;
            for (final Accepted a : accepted)
            {
                final boolean inWindow = a.bucketId() <= bucket && a.bucketId() > bucket - b;
                final boolean held = latestByPosition.get(Math.floorMod(a.bucketId(), (long)b)) == a.bucketId();
                if (inWindow && held)
                {
                    count++;
                    sum += Double.isNaN(a.value()) ? 0.0 : a.value();
                }
            }
            switch (window.aggregate())
            {
                case COUNT -> out[w] = count;
                case SUM -> out[w] = sum;
                case RATE -> out[w] = count / (window.window().toNanos() / 1e9);
                default -> throw new AssertionError(window.aggregate());
            }
        }
        return out;
    }

    int keyCount()
    {
        return keys.size();
    }

    long evictedKeys()
    {
        return evictedKeys;
    }
}
