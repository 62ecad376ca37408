package dev.rill.ops.replay;

/**
 * What a replay output holds, written as {@code replay.json} beside its Results once the replay
 * has finished (an output without it, or with {@code complete: false}, is refused by diff and
 * publish). Immutable; Jackson reads and writes it.
 *
 * @param name           the output's name.
 * @param format         {@code journal} or {@code jsonl}.
 * @param createdAt      ISO-8601 instant the replay finished.
 * @param complete       true once every Result of the range is written.
 * @param model          the model that re-scored the events.
 * @param modelVersion   its version.
 * @param modelDirectory its directory in the registry.
 * @param threshold      its decision threshold (model.json).
 * @param topic          the topic replayed.
 * @param from           {@code --from} as written.
 * @param to             {@code --to} as written.
 * @param fromIndex      first index of "in" replayed.
 * @param toIndex        last index of "in" replayed.
 * @param featureStart   where the streaming-feature state came from.
 * @param warmedUp       events applied to the feature state before the range, not scored.
 * @param replayed       Results written.
 * @param fallbacks      of them, scored by the fallback model or given the default score.
 * @param otherRecords   records of the range not replayed: other topics, producer sessions, unknown topics.
 * @param millis         time the replay took.
 */
public record ReplayManifest(
    String name,
    String format,
    String createdAt,
    boolean complete,
    String model,
    int modelVersion,
    String modelDirectory,
    double threshold,
    String topic,
    String from,
    String to,
    long fromIndex,
    long toIndex,
    String featureStart,
    long warmedUp,
    long replayed,
    long fallbacks,
    long otherRecords,
    long millis)
{
    /** @return the model as name/version. */
    public String modelLabel()
    {
        return model + "/" + modelVersion;
    }
}
