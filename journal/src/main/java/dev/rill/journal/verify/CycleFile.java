package dev.rill.journal.verify;

import java.nio.file.Path;

/**
 * One cycle file of a journal, as found on disk: a Chronicle Queue file such as
 * {@code 20261125F.cq4} holding the records of one roll cycle.
 *
 * @param path  the file.
 * @param cycle the roll cycle number its name stands for (the high bits of its records' indexes).
 * @param size  its size in bytes when listed (Chronicle pre-extends files, so this is usually
 *              larger than the data in it).
 */
public record CycleFile(Path path, int cycle, long size)
{
    /** @return the file's name, e.g. {@code 20261125F.cq4}. */
    public String name()
    {
        return path.getFileName().toString();
    }
}
