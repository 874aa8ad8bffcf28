using OrleansFlow.Checkpointing;
using OrleansFlow.Checkpoints;
using OrleansFlow.Jobs;

namespace OrleansFlow.Tests.Unit.Checkpointing.Coordinator;

/// <summary>
/// When the coordinator starts checkpoints and when their failures fail the job, after Flink's CheckpointConfig:
/// checkpointInterval, minPauseBetweenCheckpoints, maxConcurrentCheckpoints, checkpointTimeout and
/// tolerableCheckpointFailureNumber. Time is a fake clock; the grain's timer is a call to TickAsync.
/// </summary>
[Trait("Category", "Unit")]
public sealed class CheckpointCoordinatorTriggerTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Millisecond = TimeSpan.FromMilliseconds(1);

    private readonly CheckpointCoordinatorHarness _job = new();

    [Fact]
    public async Task Tick_OneIntervalAfterStart_TriggersTheFirstCheckpointAtTheSources()
    {
        await _job.StartAsync(new CheckpointSettings(IntervalMs: 10_000));

        await _job.AdvanceAsync(10 * Second - Millisecond);
        Assert.Empty(_job.Tasks.Triggered);

        await _job.AdvanceAsync(Millisecond);
        Assert.Equal([(0, 1L)], _job.Tasks.Triggered);
        Assert.Equal(CheckpointStatus.InProgress, _job.Coordinator.GetCheckpointStats(1)!.Status);
        Assert.Equal(1, _job.State.State.LastId); // the id is persisted before its barrier goes out
    }

    [Fact]
    public async Task Tick_WithAMinimumPause_StartsTheNextCheckpointNoSoonerThanThePauseAfterThePreviousOneEnded()
    {
        // minPauseBetweenCheckpoints: the next checkpoint starts no sooner than 5 s after the previous one completed,
        // even when the 10 s interval is due earlier.
        await _job.StartAsync(new CheckpointSettings(IntervalMs: 10_000, MinPauseMs: 5_000));
        await _job.AdvanceAsync(10 * Second); // checkpoint 1 at 10 s
        await _job.AdvanceAsync(8 * Second);
        await _job.AcknowledgeAllAsync(1); // completes at 18 s: the pause lasts until 23 s

        await _job.AdvanceAsync(2 * Second); // 20 s: the interval is due, the pause is not over
        await _job.AdvanceAsync(3 * Second - Millisecond);
        Assert.Equal([1L], _job.Tasks.Triggered.Select(t => t.CheckpointId));

        await _job.AdvanceAsync(Millisecond); // 23 s
        Assert.Equal([1L, 2L], _job.Tasks.Triggered.Select(t => t.CheckpointId));
        Assert.Equal(_job.Start + (23 * Second), _job.Coordinator.GetCheckpointStats(2)!.TriggerTime);
    }

    [Fact]
    public async Task Tick_WithAMinimumPause_NeverRunsTwoCheckpointsAtOnce()
    {
        // Flink: a minimum pause above zero makes maxConcurrentCheckpoints effectively 1.
        await _job.StartAsync(new CheckpointSettings(IntervalMs: 10_000, MaxConcurrent: 3, MinPauseMs: 1_000));

        await _job.RunUntilAsync(35 * Second, Second);

        Assert.Equal([1L], _job.Tasks.Triggered.Select(t => t.CheckpointId));
        Assert.Equal(1, _job.Coordinator.PendingCount);
    }

    [Fact]
    public async Task Tick_AtTheConcurrencyLimit_WaitsUntilACheckpointEnds()
    {
        // maxConcurrentCheckpoints = 2: a third is not started while two are in flight; it starts once one ends.
        await _job.StartAsync(new CheckpointSettings(IntervalMs: 10_000, MaxConcurrent: 2));
        await _job.RunUntilAsync(34 * Second, Second); // checkpoints 1 (10 s) and 2 (20 s); at 30 s the limit holds
        Assert.Equal([1L, 2L], _job.Tasks.Triggered.Select(t => t.CheckpointId));
        Assert.Equal(2, _job.Coordinator.PendingCount);

        await _job.AcknowledgeAllAsync(1); // the older one completes: one left in flight
        await _job.AdvanceAsync(Millisecond);

        Assert.Equal([1L, 2L, 3L], _job.Tasks.Triggered.Select(t => t.CheckpointId));
        Assert.Equal(2, _job.Coordinator.PendingCount);
    }

    [Fact]
    public async Task Tick_AtTheCheckpointTimeout_ExpiresTheCheckpointAndCountsAFailure()
    {
        // checkpointTimeout = 60 s: a checkpoint not fully acknowledged 60 s after its trigger is expired; with the
        // default tolerableCheckpointFailureNumber (0) that first failure fails the job.
        await _job.StartAsync(new CheckpointSettings(IntervalMs: 100_000, TimeoutMs: 60_000));
        await _job.AdvanceAsync(100 * Second); // checkpoint 1
        await _job.Coordinator.AcknowledgeAsync(1, CheckpointCoordinatorHarness.Source, 0, 0, CheckpointCoordinatorHarness.Record());

        await _job.AdvanceAsync(60 * Second - Millisecond);
        Assert.Equal(1, _job.Coordinator.PendingCount);
        Assert.Empty(_job.Job.Failures);

        await _job.AdvanceAsync(Millisecond);
        Assert.Equal(0, _job.Coordinator.PendingCount);
        var stats = _job.Coordinator.GetCheckpointStats(1)!;
        Assert.Equal(CheckpointStatus.Failed, stats.Status);
        Assert.StartsWith(nameof(CheckpointFailureReason.Timeout), stats.FailureReason, StringComparison.Ordinal);
        Assert.Equal(60_000, stats.DurationMs);
        Assert.Equal(1, _job.State.State.FailedCount);
        var (attempt, failure) = Assert.Single(_job.Job.Failures);
        Assert.Equal(0, attempt);
        Assert.Contains("tolerable failure threshold (0)", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tick_WithTwoTolerableFailures_FailsTheJobOnTheThirdConsecutiveFailure()
    {
        // tolerableCheckpointFailureNumber = 2: two consecutive failures are tolerated, the third fails the job.
        // Interval 10 s, timeout 5 s, nothing acknowledges: checkpoints expire at 15 s, 25 s and 35 s.
        await _job.StartAsync(new CheckpointSettings(IntervalMs: 10_000, TimeoutMs: 5_000, TolerableFailures: 2));

        await _job.RunUntilAsync(34 * Second, Second);
        Assert.Equal(2, _job.State.State.FailedCount);
        Assert.Empty(_job.Job.Failures);

        await _job.RunUntilAsync(35 * Second, Second);
        Assert.Equal(3, _job.State.State.FailedCount);
        Assert.Single(_job.Job.Failures);
    }

    [Fact]
    public async Task Tick_WhenACheckpointCompletesBetweenFailures_StartsCountingAgain()
    {
        // Only consecutive failures count: with one tolerable failure, fail / complete / fail is tolerated, a second
        // failure in a row after the completion fails the job.
        await _job.StartAsync(new CheckpointSettings(IntervalMs: 10_000, TimeoutMs: 5_000, TolerableFailures: 1));
        await _job.RunUntilAsync(15 * Second, Second); // checkpoint 1 expires
        await _job.RunUntilAsync(21 * Second, Second);
        await _job.AcknowledgeAllAsync(2); // checkpoint 2 completes

        await _job.RunUntilAsync(35 * Second, Second); // checkpoint 3 expires: one in a row
        Assert.Empty(_job.Job.Failures);

        await _job.RunUntilAsync(45 * Second, Second); // checkpoint 4 expires: two in a row
        Assert.Single(_job.Job.Failures);
        Assert.Equal(2, _job.Coordinator.LatestCompletedId);
    }

    [Fact]
    public async Task Tick_WhenTheJobIsNotRunning_SkipsTheCheckpointAndAsksAgainOneIntervalLater()
    {
        await _job.StartAsync(new CheckpointSettings(IntervalMs: 10_000));
        _job.Job.Status = JobStatus.Restarting;
        await _job.AdvanceAsync(10 * Second);
        Assert.Empty(_job.Tasks.Triggered);

        _job.Job.Status = JobStatus.Running;
        await _job.AdvanceAsync(10 * Second - Millisecond);
        Assert.Empty(_job.Tasks.Triggered);

        await _job.AdvanceAsync(Millisecond);
        Assert.Equal([(0, 1L)], _job.Tasks.Triggered);
    }

    [Fact]
    public async Task Tick_WhenASourceCannotBeTriggered_AbortsWithoutCountingAFailure()
    {
        // Flink's NOT_ALL_REQUIRED_TASKS_RUNNING / CHECKPOINT_DECLINED_TASK_NOT_READY do not count as checkpoint failures.
        _job.Tasks.FailTriggers = new InvalidOperationException("the source is not deployed");
        await _job.StartAsync(new CheckpointSettings(IntervalMs: 10_000));

        await _job.AdvanceAsync(10 * Second);

        Assert.Equal(0, _job.Coordinator.PendingCount);
        Assert.StartsWith(nameof(CheckpointFailureReason.TaskNotReady), _job.Coordinator.GetCheckpointStats(1)!.FailureReason, StringComparison.Ordinal);
        Assert.Empty(_job.Job.Failures);
    }

    [Fact]
    public async Task Tick_WhenTheIdCannotBeStored_FailsTheCheckpointBeforeAnyBarrierIsSent()
    {
        // Flink's IO_EXCEPTION counts as a checkpoint failure.
        await _job.StartAsync(new CheckpointSettings(IntervalMs: 10_000));
        _job.State.FailWrites = new IOException("storage is down");

        await _job.AdvanceAsync(10 * Second);

        Assert.Empty(_job.Tasks.Triggered);
        Assert.Equal(CheckpointStatus.Failed, _job.Coordinator.GetCheckpointStats(1)!.Status);
        Assert.Single(_job.Job.Failures);
    }
}
