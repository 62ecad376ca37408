package dev.rill.ml.features;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The byte format of {@link StreamingFeatures#snapshot()}, big-endian:
 *
 * <pre>
 *   int    magic 0x52534653 ("RSFS")
 *   int    format version (1)
 *   int    total length in bytes, this header and the checksum included
 *   long   config fingerprint: first 8 bytes of SHA-256 of the config text
 *   int    config text length, then the config text (UTF-8, one canonical line per setting)
 *   long   newest event time seen on any key
 *   long   keys evicted so far
 *   int    live key count n
 *   n x    long key, long the key's newest event time, then for every window in order and every
 *          ring position in order: long bucket id, long count, long sum (raw double bits)
 *   int    CRC32C of every byte before it
 * </pre>
 *
 * Keys appear from least to most recently updated, so that restoring them in order rebuilds the
 * eviction order. The config text is carried whole so that a refused restore can say what differs.
 *
 * <p>Stateless; any thread. Encoding and decoding allocate (they are tool and recovery operations).
 */
final class StreamingFeaturesSnapshot
{
    static final int MAGIC = 0x52534653;
    static final int FORMAT_VERSION = 1;

    /** Bytes before the config text: magic, version, total length, fingerprint, text length. */
    private static final int PREFIX_BYTES = 4 + 4 + 4 + 8 + 4;
    /** Bytes between the config text and the keys: newest event time, evictions, key count. */
    private static final int STATE_HEADER_BYTES = 8 + 8 + 4;
    private static final int KEY_HEADER_BYTES = 8 + 8;
    private static final int TRAILER_BYTES = 4;
    /** Room kept for the prefix, the config text and the trailer when bounding the key count. */
    static final int FIXED_BYTES_BOUND = 64 * 1024;

    /** @return bytes one key takes in a snapshot with this many buckets over all windows. */
    static long bytesPerKey(final long bucketsPerKey)
    {
        return KEY_HEADER_BYTES + bucketsPerKey * WindowBuckets.SNAPSHOT_BYTES_PER_BUCKET;
    }

    /** What a snapshot says besides the keys; {@link #read} has already put the keys in place. */
    record Restored(long newestEventTime, long evictedKeys)
    {
    }

    private StreamingFeaturesSnapshot()
    {
    }

    /** @return the config text a snapshot of this configuration carries. */
    static byte[] configText(final StreamingFeaturesConfig config)
    {
        return String.join("\n", config.canonicalLines()).getBytes(StandardCharsets.UTF_8);
    }

    /** @return the fingerprint of a config text: its SHA-256 cut to 64 bits. */
    static long fingerprint(final byte[] configText)
    {
        try
        {
            return ByteBuffer.wrap(MessageDigest.getInstance("SHA-256").digest(configText)).getLong();
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("SHA-256 is required of every Java platform but is missing", ex);
        }
    }

    static byte[] write(
        final byte[] configText,
        final long fingerprint,
        final LruKeySlots keys,
        final WindowBuckets buckets,
        final long newestEventTime,
        final long evictedKeys)
    {
        final int keyBytes = KEY_HEADER_BYTES + buckets.snapshotBytesPerKey();
        final long length = PREFIX_BYTES + (long)configText.length + STATE_HEADER_BYTES + (long)keys.size() * keyBytes + TRAILER_BYTES;
        if (length > Integer.MAX_VALUE - 8)
        {
            throw new IllegalStateException("a snapshot of " + keys.size() + " keys needs " + length +
                " bytes, more than one Java array holds; lower features.maxKeys or use fewer buckets");
        }
        final ByteBuffer out = ByteBuffer.allocate((int)length);
        out.putInt(MAGIC).putInt(FORMAT_VERSION).putInt((int)length).putLong(fingerprint).putInt(configText.length).put(configText);
        out.putLong(newestEventTime).putLong(evictedKeys).putInt(keys.size());
        for (int slot = keys.coldest(); slot != LruKeySlots.NONE; slot = keys.hotter(slot))
        {
            out.putLong(keys.key(slot)).putLong(keys.newestEventTime(slot));
            buckets.writeTo(slot, out);
        }
        out.putInt(crc(out.array(), out.position()));
        return out.array();
    }

    /**
     * Checks a snapshot against this configuration and loads its keys into empty key slots and
     * buckets. On failure the slots and buckets may hold part of the snapshot: the caller clears
     * them.
     *
     * @throws IllegalArgumentException saying what is wrong with the bytes and what to do.
     */
    static Restored read(
        final byte[] snapshot,
        final byte[] configText,
        final long fingerprint,
        final StreamingFeaturesConfig config,
        final LruKeySlots keys,
        final WindowBuckets buckets)
    {
        if (snapshot == null)
        {
            throw refused("there are no bytes (null)");
        }
        try
        {
            return readChecked(ByteBuffer.wrap(snapshot), configText, fingerprint, config, keys, buckets);
        }
        catch (final BufferUnderflowException ex)
        {
            throw refused("it ends early, after " + snapshot.length + " bytes; the snapshot is truncated");
        }
    }

    private static Restored readChecked(
        final ByteBuffer in,
        final byte[] configText,
        final long fingerprint,
        final StreamingFeaturesConfig config,
        final LruKeySlots keys,
        final WindowBuckets buckets)
    {
        final int length = in.remaining();
        final int magic = in.getInt();
        if (magic != MAGIC)
        {
            throw refused("it does not start with the streaming-features magic number (found 0x" +
                Integer.toHexString(magic) + ", expected 0x" + Integer.toHexString(MAGIC) + "); it is not such a snapshot");
        }
        final int version = in.getInt();
        if (version != FORMAT_VERSION)
        {
            throw refused("it is in format version " + version + " and this build reads version " + FORMAT_VERSION +
                "; restore it with the build that wrote it, or start empty and let events rebuild the features");
        }
        final int declaredLength = in.getInt();
        if (length < declaredLength)
        {
            throw refused("it has " + length + " of its " + declaredLength + " bytes; the snapshot is truncated");
        }
        if (length > declaredLength)
        {
            throw refused("it has " + (length - declaredLength) + " bytes after its end; the snapshot is corrupt");
        }
        final int storedCrc = in.getInt(length - TRAILER_BYTES);
        final int actualCrc = crc(in.array(), length - TRAILER_BYTES);
        if (storedCrc != actualCrc)
        {
            throw refused("its checksum does not match (stored 0x" + Integer.toHexString(storedCrc) + ", computed 0x" +
                Integer.toHexString(actualCrc) + "); the snapshot is corrupt");
        }
        final long theirFingerprint = in.getLong();
        final int textLength = in.getInt();
        if (textLength < 0 || textLength > in.remaining())
        {
            throw refused("its config text length " + textLength + " is impossible; the snapshot is corrupt");
        }
        final byte[] theirText = new byte[textLength];
        in.get(theirText);
        if (theirFingerprint != fingerprint || !Arrays.equals(theirText, configText))
        {
            throw refused("it was taken with a different configuration: " +
                difference(new String(theirText, StandardCharsets.UTF_8), config) +
                ". Restore it into an instance with the snapshot's configuration, or start empty and let events rebuild the features");
        }
        final long newestEventTime = in.getLong();
        final long evictedKeys = in.getLong();
        final int keyCount = in.getInt();
        final long keyBytes = KEY_HEADER_BYTES + buckets.snapshotBytesPerKey();
        if (keyCount < 0 || keyCount > config.maxKeys() || in.remaining() != keyCount * keyBytes + TRAILER_BYTES)
        {
            throw refused("its key count " + keyCount + " does not fit its length " + length + " or features.maxKeys " +
                config.maxKeys() + "; the snapshot is corrupt");
        }
        for (int k = 0; k < keyCount; k++)
        {
            final long key = in.getLong();
            final long keyNewest = in.getLong();
            if (keys.slotOf(key) != LruKeySlots.NONE)
            {
                throw refused("key " + key + " appears twice; the snapshot is corrupt");
            }
            if (keyNewest > newestEventTime)
            {
                throw refused("key " + key + " has an event at " + keyNewest + ", after the newest event time " +
                    newestEventTime + " of the whole snapshot; the snapshot is corrupt");
            }
            final int slot = keys.insertHottest(key, keyNewest);
            final String problem = buckets.readFrom(slot, in, keyNewest);
            if (problem != null)
            {
                throw refused("key " + key + ": " + problem + "; the snapshot is corrupt");
            }
        }
        return new Restored(newestEventTime, evictedKeys);
    }

    /** @return the first setting that differs, worded "snapshot has X, this instance has Y". */
    private static String difference(final String theirText, final StreamingFeaturesConfig config)
    {
        final List<String> theirs = List.of(theirText.split("\n", -1));
        final List<String> ours = config.canonicalLines();
        for (int i = 0; i < Math.max(theirs.size(), ours.size()); i++)
        {
            final String their = i < theirs.size() ? theirs.get(i) : "(nothing)";
            final String our = i < ours.size() ? ours.get(i) : "(nothing)";
            if (!their.equals(our))
            {
                return "the snapshot has '" + their + "' where this instance has '" + our + "'";
            }
        }
        return "the texts agree but the fingerprints differ; the snapshot is corrupt";
    }

    private static int crc(final byte[] bytes, final int length)
    {
        final CRC32C crc = new CRC32C();
        crc.update(bytes, 0, length);
        return (int)crc.getValue();
    }

    private static IllegalArgumentException refused(final String reason)
    {
        return new IllegalArgumentException("cannot restore streaming features from this snapshot: " + reason);
    }
}
