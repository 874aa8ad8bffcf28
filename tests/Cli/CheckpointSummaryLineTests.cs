using OrleansFlow.Checkpoints;
using OrleansFlow.Cli;

namespace OrleansFlow.Tests.Cli;

/// <summary>
/// <see cref="CheckpointSummaryLine"/>: lifetime counts, then duration p50/p99/max and size p50 rounded to whole
/// units (halves away from zero) with thousands separators; counts only when the history holds no completed checkpoint.
/// </summary>
[Trait("Category", "Unit")]
public sealed class CheckpointSummaryLineTests
{
    [Fact]
    public void Format_WhenTheHistoryHoldsCompletedCheckpoints_GivesCountsDurationAndSize()
    {
        var summary = new CheckpointSummary(
            12,
            1,
            new StatsSummary(12, 20, 131, 40, P50: 35.5, P90: 100, P95: 110, P99: 120.4, P999: 131),
            new StatsSummary(12, 1_000, 90_000, 50_000, P50: 48_212.5, P90: 80_000, P95: 85_000, P99: 89_000, P999: 90_000));

        // 35.5 rounds up to 36, 120.4 down to 120, 48,212.5 up to 48,213.
        Assert.Equal("checkpoints: 12 completed, 1 failed, duration p50 36 ms, p99 120 ms, max 131 ms, size p50 48,213 bytes", CheckpointSummaryLine.Format(summary));
    }

    [Fact]
    public void Format_WhenNoCheckpointEverCompleted_GivesTheCountsOnly()
    {
        Assert.Equal("checkpoints: 0 completed, 2 failed", CheckpointSummaryLine.Format(new CheckpointSummary(0, 2, null, null)));
    }

    [Fact]
    public void Format_WhenTheCompletedOnesLeftTheHistory_SaysSoAfterTheCounts()
    {
        Assert.Equal(
            "checkpoints: 3 completed, 50 failed (none completed in the retained history)",
            CheckpointSummaryLine.Format(new CheckpointSummary(3, 50, null, null)));
    }

    [Fact]
    public void Format_WithLargeFigures_WritesThousandsSeparators()
    {
        var duration = new StatsSummary(1, 1_234_567, 1_234_567, 1_234_567, 1_234_567, 1_234_567, 1_234_567, 1_234_567, 1_234_567);
        var size = new StatsSummary(1, 9_876_543_210, 9_876_543_210, 9_876_543_210, 9_876_543_210, 9_876_543_210, 9_876_543_210, 9_876_543_210, 9_876_543_210);

        Assert.Equal(
            "checkpoints: 1,234 completed, 0 failed, duration p50 1,234,567 ms, p99 1,234,567 ms, max 1,234,567 ms, size p50 9,876,543,210 bytes",
            CheckpointSummaryLine.Format(new CheckpointSummary(1_234, 0, duration, size)));
    }
}
