package dev.rill.ml.features;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

import dev.rill.bus.ConfigException;
import dev.rill.bus.TopicSchema;

/**
 * Per-key streaming features over event-time sliding windows: for every event of a topic, the
 * count, sum of a field or rate of the same key's events in each configured window, as of that
 * event and including it.
 *
 * <h2>Windows</h2>
 * Time is the event's own time (nanoseconds), never the clock of the machine. A window of length
 * {@code W} with {@code B} buckets slides in steps of the bucket width {@code w = W / B}; bucket
 * id {@code floor(t / w)} holds the key's events with time in {@code [id * w, (id + 1) * w)}. The
 * value for an event at time {@code t} adds up the B buckets that end with the one containing
 * {@code t}: ids {@code floor(t / w) - B + 1} to {@code floor(t / w)}. That is bucket granularity:
 * the window covers the current, partly elapsed bucket and the B - 1 before it, between
 * {@code W - w} and {@code W} of history, so a 1 min window with 12 buckets counts the events of
 * the last 55 to 60 s, and a 1 h window with 12 buckets those of the last 55 to 60 min.
 * <ul>
 *   <li>{@link Aggregate#COUNT}: events in the window. A key's first event has count 1.</li>
 *   <li>{@link Aggregate#SUM}: sum of the field over those events; a NaN value adds nothing (the
 *       event still counts in COUNT and RATE).</li>
 *   <li>{@link Aggregate#RATE}: the count divided by {@code W} in seconds.</li>
 * </ul>
 *
 * <h2>Out-of-order and late events</h2>
 * Events are applied in arrival order, never reordered, and never make {@code update} throw. Each
 * window keeps per key a ring of B buckets, each with its bucket id, count and sum. Let {@code n}
 * be the bucket of the key's newest event time (this event included). An event whose bucket is
 * within the B buckets ending at {@code n} is added to its own bucket, even when it is older than
 * the key's newest event. An event whose bucket is B or more older than {@code n} is too late for
 * that window and is not added; it still gets features computed as of its own time from what the
 * ring holds. A ring position holds one bucket at a time, so writing bucket {@code b} drops the
 * bucket {@code b - k * B} kept there before: an event earlier than its key's newest sees those
 * buckets of its own window that have not been written over. (All of this can differ per window,
 * since windows differ in length.) Likewise an event later in the current bucket, already applied,
 * counts for an earlier event of the same bucket that arrives after it.
 *
 * <h2>Bounded state and eviction</h2>
 * At most {@code maxKeys} keys are live, kept in least-recently-updated order (an update moves its
 * key to the hot end). Each update first evicts up to {@value #IDLE_EVICTIONS_PER_UPDATE} keys from
 * the cold end whose newest event time is more than {@code idleTimeout} older than the newest event
 * time seen on any key, stopping at the first key that is not idle; then, if the event's key is new
 * and all {@code maxKeys} slots are taken, it evicts the least recently updated key. An evicted key
 * that comes back starts from empty. Eviction depends only on the sequence of events, so replaying
 * the same sequence (or restoring a snapshot and replaying what followed it) yields the same state
 * and the same features. Event times come from producers: one event stamped far in the future makes
 * every other key idle, so bound clock skew where events enter.
 *
 * <h2>Memory</h2>
 * Everything is allocated at construction for {@code maxKeys} keys. Per key: {@code 24 x (sum of
 * buckets over all windows)} bytes of rings (a long bucket id, a long count and a double sum per
 * bucket), plus 28 bytes of bookkeeping (key, newest event time, two LRU links, a free-slot entry),
 * plus the key-to-slot map: 16 bytes per entry at load factor 0.65 rounded up to a power of two,
 * 25 to 50 bytes per key. The defaults ({@link StreamingFeaturesConfig#defaultsFor}: 3 windows of
 * 12 buckets) take 864 + 28 + 42 = 934 bytes per key, 93 MB for 100,000 keys.
 *
 * <h2>Threads and allocation</h2>
 * One owner thread calls every method; the class is not thread-safe. {@link #update} and
 * {@link #peek} allocate nothing; {@link #snapshot()} and {@link #restore(byte[])} allocate the
 * snapshot bytes and are meant for checkpoints, recovery and tools, not the event path.
 */
public final class StreamingFeatures
{
    /** Most idle keys one update evicts: more than the one key an update can add, so a backlog drains. */
    static final int IDLE_EVICTIONS_PER_UPDATE = 2;

    private final StreamingFeaturesConfig config;
    private final List<String> featureNames;
    private final long idleTimeoutNanos;
    private final LruKeySlots keys;
    private final WindowBuckets buckets;
    private final byte[] configText;
    private final long fingerprint;
    private long newestEventTime;
    private long evictedKeys;

    /**
     * @param config the windows and bounds.
     * @param topic  the topic whose events {@link #update} receives; gives the position of each
     *               summed field.
     * @throws ConfigException naming the key when the config is for another topic, a SUM field is
     *                         not a field of the topic, or a feature is named like a topic field.
     */
    public StreamingFeatures(final StreamingFeaturesConfig config, final TopicSchema topic)
    {
        this.config = Objects.requireNonNull(config, "config");
        Objects.requireNonNull(topic, "topic");
        if (!config.topic().equals(topic.name()))
        {
            throw ConfigException.invalid("features.topic", config.topic(),
                "the features are being built for topic '" + topic.name() + "'; name that topic or build them for '" +
                config.topic() + "'");
        }
        final List<WindowSpec> windows = config.windows();
        final int[] fieldIndexes = new int[windows.size()];
        final List<String> names = new ArrayList<>(windows.size());
        for (int w = 0; w < windows.size(); w++)
        {
            final WindowSpec window = windows.get(w);
            if (topic.fieldIndex(window.name()) >= 0)
            {
                throw ConfigException.invalid("features.windows[" + w + "].name", window.name(),
                    "it is already a field of topic '" + topic.name() + "'; a feature needs a name of its own");
            }
            fieldIndexes[w] = window.aggregate() == Aggregate.SUM ? topic.fieldIndex(window.field()) : -1;
            if (window.aggregate() == Aggregate.SUM && fieldIndexes[w] < 0)
            {
                throw ConfigException.invalid("features.windows[" + w + "].field", window.field(),
                    "one of the fields of topic '" + topic.name() + "': " + topic.fields());
            }
            names.add(window.name());
        }
        featureNames = Collections.unmodifiableList(names);
        idleTimeoutNanos = config.idleTimeout().toNanos();
        keys = new LruKeySlots(config.maxKeys());
        buckets = new WindowBuckets(windows, fieldIndexes, config.maxKeys());
        configText = StreamingFeaturesSnapshot.configText(config);
        fingerprint = StreamingFeaturesSnapshot.fingerprint(configText);
        newestEventTime = Long.MIN_VALUE;
    }

    /** @return number of features each call writes: one per window. */
    public int featureCount()
    {
        return featureNames.size();
    }

    /** @return feature names, in window order: the order of the values written. */
    public List<String> featureNames()
    {
        return featureNames;
    }

    /**
     * Applies one event to its key's windows, then writes the features as of this event (including
     * it) into {@code out[outOffset .. outOffset + featureCount())}. No allocation in steady state.
     *
     * @param key            the key, for example a card number's hash.
     * @param eventTimeNanos the event's own time.
     * @param fields         the event's field values in topic order; read only for SUM fields.
     * @param out            receives the features.
     * @param outOffset      where the first feature goes.
     */
    public void update(final long key, final long eventTimeNanos, final double[] fields, final double[] out, final int outOffset)
    {
        if (eventTimeNanos > newestEventTime)
        {
            newestEventTime = eventTimeNanos;
        }
        evictIdleKeys();
        int slot = keys.slotOf(key);
        if (slot == LruKeySlots.NONE)
        {
            if (keys.isFull())
            {
                evict(keys.coldest());
            }
            slot = keys.insertHottest(key, eventTimeNanos);
            buckets.reset(slot);
        }
        else
        {
            keys.moveToHottest(slot);
            if (eventTimeNanos > keys.newestEventTime(slot))
            {
                keys.newestEventTime(slot, eventTimeNanos);
            }
        }
        buckets.add(slot, eventTimeNanos, keys.newestEventTime(slot), fields);
        buckets.write(slot, eventTimeNanos, out, outOffset);
    }

    /**
     * Writes the key's current features at the given event time without applying an event: no
     * change to its windows, its place in the eviction order or the newest event time. A key that
     * is not live gets zeros. For tools; allocates nothing.
     */
    public void peek(final long key, final long eventTimeNanos, final double[] out, final int outOffset)
    {
        final int slot = keys.slotOf(key);
        if (slot == LruKeySlots.NONE)
        {
            buckets.writeEmpty(out, outOffset);
        }
        else
        {
            buckets.write(slot, eventTimeNanos, out, outOffset);
        }
    }

    /** @return number of live keys, at most {@code maxKeys}. */
    public int keyCount()
    {
        return keys.size();
    }

    /** @return keys evicted since construction (or as restored), for being least recently updated or idle. */
    public long evictedKeys()
    {
        return evictedKeys;
    }

    /**
     * Serialises the whole state: the live keys from least to most recently updated with their
     * rings, the newest event time seen and the eviction count, headed by a format version and the
     * configuration (text and fingerprint), with a CRC32C at the end. The same state always gives
     * the same bytes. Allocates the result (about {@code 16 + 24 x buckets per key} bytes per key).
     *
     * @return the snapshot.
     * @throws IllegalStateException when the live keys need more bytes than one Java array holds
     *                               (past about 2.4 million keys with the default windows).
     */
    public byte[] snapshot()
    {
        return StreamingFeaturesSnapshot.write(configText, fingerprint, keys, buckets, newestEventTime, evictedKeys);
    }

    /**
     * Replaces the state with a snapshot's. Afterwards the same events give exactly the same
     * features as in the instance that took the snapshot.
     *
     * @param snapshot bytes from {@link #snapshot()} of an instance with an equal configuration.
     * @throws IllegalArgumentException saying what is wrong, when the snapshot's configuration
     *                                  differs (naming the first difference), its format version
     *                                  differs, or the bytes are truncated or corrupt; the state is
     *                                  then empty.
     */
    public void restore(final byte[] snapshot)
    {
        clear();
        try
        {
            final StreamingFeaturesSnapshot.Restored restored =
                StreamingFeaturesSnapshot.read(snapshot, configText, fingerprint, config, keys, buckets);
            newestEventTime = restored.newestEventTime();
            evictedKeys = restored.evictedKeys();
        }
        catch (final RuntimeException ex)
        {
            clear();
            throw ex;
        }
    }

    /** Forgets every key, the newest event time and the eviction count. */
    public void clear()
    {
        keys.clear();
        newestEventTime = Long.MIN_VALUE;
        evictedKeys = 0;
    }

    /** @return the configuration. */
    public StreamingFeaturesConfig config()
    {
        return config;
    }

    @Override
    public String toString()
    {
        return "StreamingFeatures{topic=" + config.topic() + ", features=" + featureNames + ", keys=" + keys.size() +
            "/" + config.maxKeys() + ", evicted=" + evictedKeys + "}";
    }

    private void evictIdleKeys()
    {
        if (newestEventTime < Long.MIN_VALUE + idleTimeoutNanos)
        {
            return;
        }
        final long idleBefore = newestEventTime - idleTimeoutNanos;
        for (int i = 0; i < IDLE_EVICTIONS_PER_UPDATE; i++)
        {
            final int coldest = keys.coldest();
            if (coldest == LruKeySlots.NONE || keys.newestEventTime(coldest) >= idleBefore)
            {
                return;
            }
            evict(coldest);
        }
    }

    private void evict(final int slot)
    {
        keys.remove(slot);
        evictedKeys++;
    }
}
