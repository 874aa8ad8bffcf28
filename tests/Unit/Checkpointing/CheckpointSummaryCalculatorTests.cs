using OrleansFlow.Checkpointing;
using OrleansFlow.Checkpoints;

namespace OrleansFlow.Tests.Unit.Checkpointing;

/// <summary>
/// <see cref="CheckpointSummaryCalculator"/>: lifetime counts as given; statistics over the Completed entries of the
/// history (savepoints included, as Flink), average truncated, percentiles by <see cref="Percentile"/>'s rule.
/// </summary>
[Trait("Category", "Unit")]
public sealed class CheckpointSummaryCalculatorTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Summarize_Counts_AreTheLifetimeCountsNotTheHistorys()
    {
        var summary = CheckpointSummaryCalculator.Summarize(120, 3, [Completed(120, 10, 100), Completed(119, 20, 100)]);

        Assert.Equal(120, summary.Completed);
        Assert.Equal(3, summary.Failed);
        Assert.Equal(2, summary.EndToEndDuration!.Count);
    }

    [Fact]
    public void Summarize_WhenTheHistoryMixesStatuses_SummarizesOnlyCompletedEntries()
    {
        // Newest first, as the coordinator keeps it; the failed and in-progress entries must not count.
        CheckpointStats[] history =
        [
            InProgress(7),
            Completed(6, durationMs: 40, size: 4_000),
            Failed(5, durationMs: 9_999, size: 1),
            Completed(4, durationMs: 10, size: 1_000),
            Completed(3, durationMs: 30, size: 3_000),
            Completed(2, durationMs: 20, size: 2_000),
        ];

        var summary = CheckpointSummaryCalculator.Summarize(4, 1, history);

        // Durations 10, 20, 30, 40: average 100 / 4 = 25; p50 at pos 2.5 = 25; p90 at pos 4.5 >= 4 and above: 40.
        Assert.Equal(new StatsSummary(4, 10, 40, 25, 25, 40, 40, 40, 40), summary.EndToEndDuration);
        // Sizes 1,000 ... 4,000: the same shape times 100.
        Assert.Equal(new StatsSummary(4, 1_000, 4_000, 2_500, 2_500, 4_000, 4_000, 4_000, 4_000), summary.StateSize);
    }

    [Fact]
    public void Summarize_WhenASavepointCompleted_CountsItAmongTheCompletedCheckpoints()
    {
        CheckpointStats[] history = [Completed(2, durationMs: 300, size: 30) with { IsSavepoint = true }, Completed(1, durationMs: 100, size: 10)];

        var summary = CheckpointSummaryCalculator.Summarize(2, 0, history);

        // 100 and 300: p50 at pos 1.5 = 100 + 0.5 * 200 = 200; average 200.
        Assert.Equal(2, summary.EndToEndDuration!.Count);
        Assert.Equal(200, summary.EndToEndDuration.P50);
        Assert.Equal(200, summary.EndToEndDuration.Average);
        Assert.Equal(20, summary.StateSize!.P50);
    }

    [Fact]
    public void Summarize_WhenNoEntryCompleted_HasCountsButNoStatistics()
    {
        var summary = CheckpointSummaryCalculator.Summarize(0, 2, [InProgress(3), Failed(2, 50, 0), Failed(1, 60, 0)]);

        Assert.Equal(new CheckpointSummary(0, 2, null, null), summary);
    }

    [Fact]
    public void Summarize_WhenAValueIsMissingOrNegative_LeavesItOutOfThatStatisticOnly()
    {
        // No duration on one completed entry, negative figures on another (Flink's StatsSummary ignores values below 0).
        CheckpointStats[] history = [Completed(3, 10, 70), Completed(2, -5, -1), Completed(1, 0, 50) with { DurationMs = null }];

        var summary = CheckpointSummaryCalculator.Summarize(3, 0, history);

        Assert.Equal(new StatsSummary(1, 10, 10, 10, 10, 10, 10, 10, 10), summary.EndToEndDuration);
        // Sizes 50 and 70: p50 at pos 1.5 = 60; p90 at pos 2.7 >= 2: 70.
        Assert.Equal(new StatsSummary(2, 50, 70, 60, 60, 70, 70, 70, 70), summary.StateSize);
    }

    [Theory]
    [InlineData(new long[] { 1, 2 }, 1)]     // 3 / 2 = 1.5, truncated
    [InlineData(new long[] { 2, 2, 3 }, 2)]  // 7 / 3 = 2.33, truncated
    [InlineData(new long[] { 5, 6, 7 }, 6)]  // 18 / 3 exactly
    public void Statistics_Average_IsTheSumOverTheCountTruncated(long[] values, long expected)
    {
        Assert.Equal(expected, CheckpointSummaryCalculator.Statistics(values)!.Average);
    }

    [Fact]
    public void Statistics_WhenThereAreNoValues_IsNull()
    {
        Assert.Null(CheckpointSummaryCalculator.Statistics([]));
    }

    private static CheckpointStats Completed(long id, long durationMs, long size) =>
        new(id, 0, Start.AddSeconds(id), durationMs, size, CheckpointStatus.Completed, null);

    private static CheckpointStats Failed(long id, long durationMs, long size) =>
        new(id, 0, Start.AddSeconds(id), durationMs, size, CheckpointStatus.Failed, "Expired: checkpoint timeout");

    private static CheckpointStats InProgress(long id) =>
        new(id, 0, Start.AddSeconds(id), null, 0, CheckpointStatus.InProgress, null);
}
