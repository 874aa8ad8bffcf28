using Microsoft.Extensions.Time.Testing;
using OrleansFlow.Checkpointing;
using OrleansFlow.Checkpoints;

namespace OrleansFlow.Tests.Unit.Checkpointing;

[Trait("Category", "Unit")]
public sealed class CheckpointStatsTrackerTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly CoordinatorState _state = new() { Attempt = 3 };

    private CheckpointStatsTracker Tracker => new(() => _state, _time);

    [Fact]
    public void ReportPending_KeepsTheNewestEntriesFirstAndAtMostTheHistoryLength()
    {
        var tracker = Tracker;
        for (var id = 1L; id <= CheckpointStatsTracker.HistoryLength + 5; id++)
        {
            tracker.ReportPending(id, attempt: 3, _time.GetUtcNow(), isSavepoint: false);
        }

        Assert.Equal(CheckpointStatsTracker.HistoryLength, _state.History.Count);
        Assert.Equal(CheckpointStatsTracker.HistoryLength + 5, tracker.Newest!.CheckpointId);
        Assert.Null(tracker.Find(5));
        Assert.Equal(CheckpointStatus.InProgress, tracker.Find(6)!.Status);
    }

    [Fact]
    public void ReportFailed_OfAPendingCheckpoint_UpdatesItsEntryWithTheTimeSinceItsTrigger()
    {
        var tracker = Tracker;
        var triggered = _time.GetUtcNow();
        tracker.ReportPending(7, attempt: 3, triggered, isSavepoint: false);
        _time.Advance(TimeSpan.FromSeconds(4));

        tracker.ReportFailed(7, triggered, size: 10, "Timeout: too slow");

        var entry = Assert.Single(_state.History);
        Assert.Equal((CheckpointStatus.Failed, 4_000L, 10L, "Timeout: too slow"), (entry.Status, entry.DurationMs!.Value, entry.StateSize, entry.FailureReason));
        Assert.Equal(1, _state.FailedCount);
    }

    [Fact]
    public void ReportFailed_OfACheckpointWithoutAnEntry_AddsOneForTheCurrentAttempt()
    {
        Tracker.ReportFailed(8, _time.GetUtcNow(), size: 0, "storage failure");

        var entry = Assert.Single(_state.History);
        Assert.Equal((8L, 3, CheckpointStatus.Failed), (entry.CheckpointId, entry.Attempt, entry.Status));
    }

    [Fact]
    public void RecountCompletedAsFailed_MovesOneCountFromCompletedToFailed()
    {
        var tracker = Tracker;
        tracker.CountCompleted();
        tracker.CountCompleted();

        tracker.RecountCompletedAsFailed();

        Assert.Equal((1, 1), (_state.CompletedCount, _state.FailedCount));
        var overview = tracker.Overview(latestCompleted: 4, restarts: 3);
        Assert.Equal((1, 1, 4L, 3), (overview.Completed, overview.Failed, overview.LatestCompletedId, overview.Restarts));
    }
}
