using OrleansFlow.Checkpoints;

namespace OrleansFlow.Checkpointing;

/// <summary>
/// Computes a job's <see cref="CheckpointSummary"/>, as Flink's checkpoint summary (<c>CompletedCheckpointStatsSummary</c>
/// over <c>StatsSummary</c>): the completed and failed counts over the job's life as the coordinator kept them, and
/// statistics of the end-to-end duration and the state size of the completed entries of the retained history.
/// </summary>
/// <remarks>
/// <para>The rules, each as Flink's unless said otherwise:</para>
/// <list type="bullet">
/// <item><b>Which checkpoints.</b> History entries with status Completed, savepoints included (Flink's tracker reports
/// a completed savepoint like any checkpoint, to its counts and its summary). In-progress and failed entries are
/// left out. A value below zero is left out (Flink's <c>StatsSummary.add</c> ignores it), and so is a completed
/// entry without a duration, from the duration statistics only.</item>
/// <item><b>Over what.</b> Flink keeps min, max and average over every completed checkpoint since the job manager
/// started and percentiles over a sliding window of the last 10,000; here all of them are over the retained history
/// (the coordinator keeps the newest 50 entries, of any status), so every figure of the summary describes the same
/// recent checkpoints.</item>
/// <item><b>Average.</b> The sum divided by the count in whole numbers, truncated (Flink's <c>sum / count</c> on longs).</item>
/// <item><b>Percentiles</b> (p50, p90, p95, p99, p999): <see cref="Percentile"/>, Commons Math's default estimate, which
/// interpolates between neighbouring values; so a percentile may have a fraction and need not be one of the values.</item>
/// </list>
/// </remarks>
internal static class CheckpointSummaryCalculator
{
    /// <summary>The summary of a job whose coordinator counted <paramref name="completed"/> and <paramref name="failed"/> and kept <paramref name="history"/>.</summary>
    /// <param name="completed">Checkpoints completed over the job's life.</param>
    /// <param name="failed">Checkpoints failed over the job's life.</param>
    /// <param name="history">The retained history, in any order.</param>
    public static CheckpointSummary Summarize(int completed, int failed, IEnumerable<CheckpointStats> history)
    {
        ArgumentNullException.ThrowIfNull(history);
        var done = history.Where(h => h.Status == CheckpointStatus.Completed).ToList();
        var durations = done.Where(h => h.DurationMs is >= 0).Select(h => h.DurationMs!.Value);
        var sizes = done.Where(h => h.StateSize >= 0).Select(h => h.StateSize);
        return new CheckpointSummary(completed, failed, Statistics(durations), Statistics(sizes));
    }

    /// <summary>Count, min, max, average and percentiles of <paramref name="values"/>, or null when there are none.</summary>
    public static StatsSummary? Statistics(IEnumerable<long> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return null;
        }

        var sum = 0L;
        foreach (var value in sorted)
        {
            sum += value;
        }

        return new StatsSummary(
            sorted.Length,
            sorted[0],
            sorted[^1],
            sum / sorted.Length,
            Percentile.Evaluate(sorted, 50),
            Percentile.Evaluate(sorted, 90),
            Percentile.Evaluate(sorted, 95),
            Percentile.Evaluate(sorted, 99),
            Percentile.Evaluate(sorted, 99.9));
    }
}
