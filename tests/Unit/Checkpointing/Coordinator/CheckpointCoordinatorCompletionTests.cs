using OrleansFlow.Checkpointing;
using OrleansFlow.Checkpoints;
using OrleansFlow.Jobs;
using static OrleansFlow.Tests.Unit.Checkpointing.Coordinator.CheckpointCoordinatorHarness;

namespace OrleansFlow.Tests.Unit.Checkpointing.Coordinator;

/// <summary>
/// How checkpoints end, after Flink's CheckpointCoordinator: completion into the completed-checkpoint store (retain the
/// last N, subsume older pending ones), declines, late acknowledgements, a completion that cannot be persisted, and an
/// activation that finds another one has taken over.
/// </summary>
[Trait("Category", "Unit")]
public sealed class CheckpointCoordinatorCompletionTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    private readonly CheckpointCoordinatorHarness _job = new();

    [Fact]
    public async Task Acknowledge_ByEveryTask_CompletesTheCheckpointAndTellsTheTasks()
    {
        await _job.StartAsync(new CheckpointSettings(IntervalMs: 10_000));
        await _job.AdvanceAsync(10 * Second);
        await _job.AdvanceAsync(2 * Second);

        await _job.AcknowledgeAllAsync(1);

        Assert.Equal(1, _job.Coordinator.LatestCompletedId);
        Assert.Equal([1L], _job.State.PersistedRetained);
        Assert.Equal([(0, 1L)], _job.Tasks.Notified);
        var stats = _job.Coordinator.GetCheckpointStats(1)!;
        Assert.Equal(CheckpointStatus.Completed, stats.Status);
        Assert.Equal(2_000, stats.DurationMs);
        Assert.Equal(1, _job.State.State.CompletedCount);
    }

    [Fact]
    public async Task Complete_BeyondTheRetainedCount_EvictsTheOldestAndDeletesItsSegments()
    {
        // Retain the last 2 completed checkpoints: the third evicts the first, whose state no one names any more.
        await _job.StartAsync(new CheckpointSettings(IntervalMs: 10_000, Retained: 2));
        for (var id = 1L; id <= 3; id++)
        {
            await _job.AdvanceAsync(10 * Second);
            await _job.AcknowledgeAllAsync(id, sinkRecord: Record(FullSegment(id)));
        }

        Assert.Equal([2L, 3L], _job.State.PersistedRetained);
        Assert.Equal(3, _job.Coordinator.LatestCompletedId);
        Assert.Throws<KeyNotFoundException>(() => _job.Coordinator.GetTaskSnapshot(1, Sink, 0));
        Assert.Equal([FullSegment(2)], _job.Coordinator.GetTaskSnapshot(2, Sink, 0)!.KeyedState!);
        Assert.Equal([FullSegment(1).StorageKey], _job.Deleter.Deleted);
    }

    [Fact]
    public async Task Complete_WhenAnOlderCheckpointIsStillPending_SubsumesItWithoutCountingAFailure()
    {
        // Flink: completing checkpoint 2 subsumes the pending checkpoint 1 (CHECKPOINT_SUBSUMED), which does not count
        // against tolerableCheckpointFailureNumber (0 here), and only checkpoint 2 is committed.
        await _job.StartAsync(new CheckpointSettings(IntervalMs: 10_000, MaxConcurrent: 2));
        await _job.AdvanceAsync(10 * Second);
        await _job.AdvanceAsync(10 * Second);

        await _job.AcknowledgeAllAsync(2);

        Assert.Equal(0, _job.Coordinator.PendingCount);
        Assert.Equal(2, _job.Coordinator.LatestCompletedId);
        Assert.StartsWith(nameof(CheckpointFailureReason.Subsumed), _job.Coordinator.GetCheckpointStats(1)!.FailureReason, StringComparison.Ordinal);
        Assert.Empty(_job.Job.Failures);
        Assert.Equal([(0, 2L)], _job.Tasks.Notified);
    }

    [Fact]
    public async Task Acknowledge_OfASubsumedCheckpoint_ArrivingLate_IsIgnored()
    {
        await _job.StartAsync(new CheckpointSettings(IntervalMs: 10_000, MaxConcurrent: 2));
        await _job.AdvanceAsync(10 * Second);
        await _job.AdvanceAsync(10 * Second);
        await _job.AcknowledgeAllAsync(2);

        await _job.AcknowledgeAllAsync(1);

        Assert.Equal(2, _job.Coordinator.LatestCompletedId);
        Assert.Equal([2L], _job.State.PersistedRetained);
        Assert.Equal([(0, 2L)], _job.Tasks.Notified);
    }

    [Fact]
    public async Task Acknowledge_OfAnExpiredCheckpoint_IsIgnoredAndWhatItWroteIsDeleted()
    {
        // Flink discards the state of an acknowledgement for a checkpoint that is no longer pending.
        await _job.StartAsync(new CheckpointSettings(IntervalMs: 100_000, TimeoutMs: 5_000, TolerableFailures: 5));
        await _job.AdvanceAsync(100 * Second);
        await _job.AdvanceAsync(5 * Second); // expired
        Assert.Equal(0, _job.Coordinator.PendingCount);

        await _job.AcknowledgeAllAsync(1, sinkRecord: Record(DeltaSegment(1)));

        Assert.Equal(CheckpointIds.None, _job.Coordinator.LatestCompletedId);
        Assert.Empty(_job.Tasks.Notified);
        Assert.Equal(CheckpointStatus.Failed, _job.Coordinator.GetCheckpointStats(1)!.Status);
        Assert.Contains(DeltaSegment(1).StorageKey, _job.Deleter.Deleted);
    }

    [Fact]
    public async Task Acknowledge_FromAnOlderAttempt_IsIgnored()
    {
        await _job.StartAsync(new CheckpointSettings(IntervalMs: 10_000), attempt: 1);
        await _job.AdvanceAsync(10 * Second);

        await _job.AcknowledgeAllAsync(1, attempt: 0);

        Assert.Equal(1, _job.Coordinator.PendingCount);
        Assert.Equal(CheckpointIds.None, _job.Coordinator.LatestCompletedId);
    }

    [Fact]
    public async Task Decline_ByANonSourceTask_AbortsTheCheckpointAndCountsAFailure()
    {
        // CHECKPOINT_DECLINED counts: with no tolerable failure it fails the job.
        await _job.StartAsync(new CheckpointSettings(IntervalMs: 10_000));
        await _job.AdvanceAsync(10 * Second);

        _job.Coordinator.Decline(1, Sink, 0, 0, DeclineKind.SnapshotFailed, "the snapshot failed");

        Assert.Equal(0, _job.Coordinator.PendingCount);
        Assert.StartsWith(nameof(CheckpointFailureReason.Declined), _job.Coordinator.GetCheckpointStats(1)!.FailureReason, StringComparison.Ordinal);
        Assert.Single(_job.Job.Failures);
    }

    [Theory]
    [InlineData(Source, DeclineKind.SnapshotFailed)] // a source that cannot take it: CHECKPOINT_DECLINED_TASK_NOT_READY
    [InlineData(Sink, DeclineKind.Subsumed)] // CHECKPOINT_DECLINED_SUBSUMED
    [InlineData(Sink, DeclineKind.CancellationMarker)] // CHECKPOINT_DECLINED_ON_CANCELLATION_BARRIER
    public async Task Decline_ForAReasonFlinkDoesNotCount_AbortsWithoutFailingTheJob(int vertex, DeclineKind kind)
    {
        await _job.StartAsync(new CheckpointSettings(IntervalMs: 10_000));
        await _job.AdvanceAsync(10 * Second);

        _job.Coordinator.Decline(1, vertex, 0, 0, kind, "declined");

        Assert.Equal(0, _job.Coordinator.PendingCount);
        Assert.Equal(CheckpointStatus.Failed, _job.Coordinator.GetCheckpointStats(1)!.Status);
        Assert.Empty(_job.Job.Failures);
    }

    [Fact]
    public async Task Decline_OfACheckpointNoLongerPending_ChangesNothing()
    {
        await _job.StartAsync(new CheckpointSettings(IntervalMs: 10_000, TolerableFailures: 1));
        await _job.AdvanceAsync(10 * Second);
        await _job.AcknowledgeAllAsync(1);

        _job.Coordinator.Decline(1, Sink, 0, 0, DeclineKind.SnapshotFailed, "too late");

        Assert.Equal(CheckpointStatus.Completed, _job.Coordinator.GetCheckpointStats(1)!.Status);
        Assert.Equal(0, _job.State.State.FailedCount);
    }

    [Fact]
    public async Task Complete_WhenItCannotBePersisted_KeepsThePreviousCheckpointAndCountsAFailure()
    {
        await _job.StartAsync(new CheckpointSettings(IntervalMs: 10_000, Retained: 1));
        await _job.AdvanceAsync(10 * Second);
        await _job.AcknowledgeAllAsync(1, sinkRecord: Record(FullSegment(1)));
        await _job.AdvanceAsync(10 * Second);
        _job.State.FailWrites = new IOException("storage is down");

        await _job.AcknowledgeAllAsync(2, sinkRecord: Record(FullSegment(2)));

        Assert.Equal(1, _job.Coordinator.LatestCompletedId);
        Assert.Equal([FullSegment(1)], _job.Coordinator.GetTaskSnapshot(1, Sink, 0)!.KeyedState!);
        Assert.DoesNotContain(FullSegment(1).StorageKey, _job.Deleter.Deleted);
        Assert.Equal([(0, 1L)], _job.Tasks.Notified);
        Assert.Equal(CheckpointStatus.Failed, _job.Coordinator.GetCheckpointStats(2)!.Status);
        Assert.Equal((1, 1), (_job.State.State.CompletedCount, _job.State.State.FailedCount));
        Assert.Single(_job.Job.Failures);
    }

    [Fact]
    public async Task Complete_WhenAnotherActivationHasTakenOver_StepsAsideAndCommitsNothing()
    {
        await _job.StartAsync(new CheckpointSettings(IntervalMs: 10_000));
        await _job.AdvanceAsync(10 * Second);
        _job.State.FailWrites = new StaleActivationException("another activation wrote");

        await _job.AcknowledgeAllAsync(1);

        Assert.True(_job.Coordinator.IsStale);
        Assert.Equal(1, _job.Superseded);
        Assert.Empty(_job.Tasks.Notified);
        _job.State.FailWrites = null;
        await _job.AdvanceAsync(10 * Second);
        Assert.Equal([1L], _job.Tasks.Triggered.Select(t => t.CheckpointId));
        await Assert.ThrowsAsync<StaleActivationException>(() => _job.StartAsync(new CheckpointSettings(IntervalMs: 10_000)));
    }

    [Fact]
    public async Task TriggerSavepoint_ToStop_HandsOverToTheJobManagerOnceStored()
    {
        await _job.StartAsync(new CheckpointSettings(IntervalMs: 10_000));

        var id = await _job.Coordinator.TriggerSavepointAsync(terminate: true, CancellationToken.None);
        await _job.AdvanceAsync(10 * Second); // a stop-with-savepoint pauses periodic checkpoints
        Assert.Equal([id], _job.Tasks.Triggered.Select(t => t.CheckpointId));
        await _job.AcknowledgeAllAsync(id);

        Assert.Equal(SavepointIds.Of(JobId, id), Assert.Single(_job.Job.Savepoints).SavepointId);
        Assert.Equal([id], _job.Job.StoppedAfterSavepoint);
        Assert.Empty(_job.Tasks.Notified); // the job manager commits it as it stops
        Assert.True(_job.Coordinator.GetCheckpointStats(id)!.IsSavepoint);
    }

    [Fact]
    public async Task Stop_WhenTheJobEndsWithoutRetainingCheckpoints_DiscardsThemAndDeletesTheirSegments()
    {
        await _job.StartAsync(new CheckpointSettings(IntervalMs: 10_000));
        await _job.AdvanceAsync(10 * Second);
        await _job.AcknowledgeAllAsync(1, sinkRecord: Record(FullSegment(1)));

        await _job.Coordinator.StopAsync(jobEnded: true, discardCheckpoints: true, jobManagerEpoch: 1, CancellationToken.None);

        Assert.Empty(_job.State.PersistedRetained);
        Assert.True(_job.State.State.JobEnded);
        Assert.Contains(FullSegment(1).StorageKey, _job.Deleter.Deleted);
    }

    [Fact]
    public async Task Stop_FromAnOlderJobManager_IsRefusedAndTheCheckpointsGoOn()
    {
        await _job.StartAsync(new CheckpointSettings(IntervalMs: 10_000));
        await _job.AdvanceAsync(10 * Second);

        await Assert.ThrowsAsync<StaleActivationException>(() =>
            _job.Coordinator.StopAsync(jobEnded: true, discardCheckpoints: true, jobManagerEpoch: 0, CancellationToken.None));

        Assert.Equal(1, _job.Coordinator.PendingCount);
        await _job.AcknowledgeAllAsync(1);
        Assert.Equal(1, _job.Coordinator.LatestCompletedId);
    }
}
