using Microsoft.Extensions.Time.Testing;
using OrleansFlow.Checkpoints;
using OrleansFlow.Jobs;

namespace OrleansFlow.Tests.Unit.Jobs;

/// <summary>
/// <see cref="JobLifecycle"/>'s transitions, with a <see cref="FakeTimeProvider"/>. Expected values follow Flink's
/// job-status rules (Created → Running → Restarting → Running …, Failed / Canceled / Finished terminal; a job that is
/// Restarting ignores further failures, as the AdaptiveScheduler's <c>Restarting.handleGlobalFailure</c> does) and its
/// documented restart strategies (fixed delay: n restarts, each after the delay; failure rate: at most n failures in the
/// interval; none: the first failure fails the job; default with checkpointing: fixed delay, unlimited, 1 s).
/// </summary>
[Trait("Category", "Unit")]
public sealed class JobLifecycleTests
{
    private const string JobId = "job";
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly JobFailure TaskFailure = new("map", 1, "boom", "InvalidOperationException");

    private readonly FakeTimeProvider _time = new(Start);
    private readonly List<JobStatus> _statuses = [];
    private JobManagerState _state = new();

    private static JobPlan Plan { get; } = new(
        [new VertexPlan(0, "source", 1, [0], IsSource: true, KeyedOperatorId: null), new VertexPlan(1, "sink", 2, [1], IsSource: false, KeyedOperatorId: null)],
        [new EdgePlan(0, 1, PartitionKind.Forward, 0, 0)],
        [new OperatorPlan(0, "source", null, "source", 0), new OperatorPlan(1, "sink", null, "sink", 1)],
        "fp");

    [Fact]
    public void Submit_ThenDeployed_IsRunningAttemptZeroFromTheRestorePoint()
    {
        var lifecycle = Submitted(FixedDelay(3, 10_000), restoreFrom: 7);

        Assert.Equal(JobStatus.Created, lifecycle.Status);
        lifecycle.Deployed();

        Assert.Equal(JobStatus.Running, lifecycle.Status);
        Assert.Equal(0, lifecycle.Attempt);
        Assert.Equal([7L], _state.RestorePoints);
        Assert.Equal(1, _state.Epoch);
        Assert.Equal(Start, _state.SubmittedAt);
        Assert.Equal([JobStatus.Running], _statuses);
    }

    [Fact]
    public void Submit_Twice_IsRefused()
    {
        var lifecycle = Submitted(FixedDelay(3, 10_000));

        Assert.Throws<InvalidOperationException>(() => lifecycle.Submit(Submission(FixedDelay(3, 10_000)), CheckpointIds.None));
    }

    [Fact]
    public void DeployFailed_OfTheFirstAttempt_FailsTheJob()
    {
        var lifecycle = Submitted(FixedDelay(3, 10_000));
        var failure = new JobFailure("(deployment)", 0, "no silo", "TimeoutException");

        lifecycle.DeployFailed(failure);

        Assert.Equal(JobStatus.Failed, lifecycle.Status);
        Assert.Equal(failure, _state.Failure);
        Assert.Equal(Start, _state.EndedAt);
    }

    [Fact]
    public void Fail_WhenATaskFailsUnderFixedDelay_RestartsAfterTheStrategysDelay()
    {
        var lifecycle = Running(FixedDelay(3, 10_000));

        var decision = lifecycle.Fail(0, TaskFailure);

        Assert.True(decision.ShouldRestart);
        Assert.Equal(TimeSpan.FromSeconds(10), decision.Delay);
        Assert.Equal(JobStatus.Restarting, lifecycle.Status);
        Assert.Equal(TaskFailure, _state.LastFailure);
        Assert.Null(_state.Failure);
        Assert.True(lifecycle.RestartScheduled);
    }

    [Fact]
    public void BeginRestart_AfterTheDelay_StartsANewAttemptThatRunsFromTheLatestCheckpoint()
    {
        var lifecycle = Running(FixedDelay(3, 10_000));
        lifecycle.Fail(0, TaskFailure);
        _time.Advance(TimeSpan.FromSeconds(10));

        Assert.True(lifecycle.BeginRestart());
        Assert.False(lifecycle.RestartScheduled);
        Assert.Equal(1, lifecycle.NewAttempt(restoreFrom: 4));
        lifecycle.Deployed();
        lifecycle.EndRestart();

        Assert.Equal(JobStatus.Running, lifecycle.Status);
        Assert.Equal(1, lifecycle.Attempt);
        Assert.Equal([CheckpointIds.None, 4L], _state.RestorePoints);
        Assert.Equal([JobStatus.Running, JobStatus.Restarting, JobStatus.Running], _statuses);
    }

    [Fact]
    public void Fail_WhileRestarting_IsIgnored()
    {
        var lifecycle = Running(FixedDelay(3, 10_000));
        lifecycle.Fail(0, TaskFailure);

        Assert.False(lifecycle.IsFailureToHandle(0));
        Assert.Throws<InvalidOperationException>(() => lifecycle.Fail(0, TaskFailure));
        Assert.Equal(1, lifecycle.Restarts.Attempts);
        Assert.Equal(JobStatus.Restarting, lifecycle.Status);
    }

    [Fact]
    public void IsFailureToHandle_OfAnOlderAttempt_IsFalse()
    {
        var lifecycle = Running(FixedDelay(3, 10_000));
        lifecycle.Fail(0, TaskFailure);
        lifecycle.BeginRestart();
        lifecycle.NewAttempt(CheckpointIds.None);
        lifecycle.Deployed();

        Assert.False(lifecycle.IsFailureToHandle(0));
        Assert.True(lifecycle.IsFailureToHandle(1));
    }

    [Fact]
    public void BeginRestart_Twice_StartsOneRestart()
    {
        var lifecycle = Running(FixedDelay(3, 10_000));
        lifecycle.Fail(0, TaskFailure);

        Assert.True(lifecycle.BeginRestart());
        Assert.False(lifecycle.BeginRestart());
    }

    [Fact]
    public void RestartStepFailed_DeployTimeout_CountsAsAFailureAndRestartsAgainAfterTheDelay()
    {
        var lifecycle = Running(FixedDelay(3, 10_000));
        lifecycle.Fail(0, TaskFailure);
        lifecycle.BeginRestart();
        lifecycle.NewAttempt(CheckpointIds.None);
        var timeout = new JobFailure("(deployment)", 0, "the tasks of attempt 1 were not all deployed within 15 s", "TimeoutException");

        lifecycle.RestartStepFailed();
        Assert.True(lifecycle.IsFailureToHandle(1));
        var decision = lifecycle.Fail(1, timeout);
        lifecycle.EndRestart();

        Assert.Equal(RestartDecision.RestartAfter(TimeSpan.FromSeconds(10), 2), decision);
        Assert.Equal(JobStatus.Restarting, lifecycle.Status);
        Assert.True(lifecycle.RestartScheduled);
        Assert.Equal(timeout, _state.LastFailure);
        Assert.True(lifecycle.BeginRestart());
    }

    [Fact]
    public void Fail_WhenFixedDelayAttemptsAreExhausted_FailsTheJobNamingTheStrategy()
    {
        var lifecycle = Running(FixedDelay(2, 1_000));
        for (var attempt = 0; attempt < 2; attempt++)
        {
            Assert.True(lifecycle.Fail(attempt, TaskFailure).ShouldRestart);
            lifecycle.BeginRestart();
            lifecycle.NewAttempt(CheckpointIds.None);
            lifecycle.Deployed();
            lifecycle.EndRestart();
        }

        var decision = lifecycle.Fail(2, TaskFailure);

        Assert.False(decision.ShouldRestart);
        Assert.Equal(JobStatus.Failed, lifecycle.Status);
        Assert.Equal(TaskFailure with { Message = "boom (not restarted: restart attempts exhausted (2 of 2))" }, _state.Failure);
        Assert.False(lifecycle.IsFailureToHandle(2));
        Assert.False(lifecycle.BeginRestart());
    }

    [Fact]
    public void Fail_WithNoRestartStrategy_FailsWithTheFailureAsItIs()
    {
        var lifecycle = Running(RestartStrategySettings.NoRestart);

        Assert.False(lifecycle.Fail(0, TaskFailure).ShouldRestart);

        Assert.Equal(JobStatus.Failed, lifecycle.Status);
        Assert.Equal(TaskFailure, _state.Failure);
    }

    [Fact]
    public void Fail_WithNoStrategyAndCheckpointing_UsesFlinksDefaultOfOneSecondUnlimited()
    {
        var lifecycle = Running(restart: null, checkpointing: true);

        for (var attempt = 0; attempt < 20; attempt++)
        {
            Assert.Equal(TimeSpan.FromSeconds(1), lifecycle.Fail(attempt, TaskFailure).Delay);
            lifecycle.BeginRestart();
            lifecycle.NewAttempt(CheckpointIds.None);
            lifecycle.Deployed();
            lifecycle.EndRestart();
        }

        Assert.Equal(JobStatus.Running, lifecycle.Status);
    }

    [Fact]
    public void Fail_WithFailureRate_RestartsMaxFailuresWithinTheIntervalAndFailsOnTheNext()
    {
        var lifecycle = Running(new RestartStrategySettings(RestartStrategyKind.FailureRate, DelayMs: 500, MaxFailuresPerInterval: 3, FailureRateIntervalMs: 60_000));

        // Three failures within a minute restart; the fourth within the same minute fails the job.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            Assert.Equal(TimeSpan.FromMilliseconds(500), lifecycle.Fail(attempt, TaskFailure).Delay);
            _time.Advance(TimeSpan.FromSeconds(10));
            lifecycle.BeginRestart();
            lifecycle.NewAttempt(CheckpointIds.None);
            lifecycle.Deployed();
            lifecycle.EndRestart();
        }

        Assert.False(lifecycle.Fail(3, TaskFailure).ShouldRestart);
        Assert.Equal(JobStatus.Failed, lifecycle.Status);
    }

    [Fact]
    public void Fail_WithFailureRate_ForgetsFailuresOlderThanTheInterval()
    {
        var lifecycle = Running(new RestartStrategySettings(RestartStrategyKind.FailureRate, DelayMs: 500, MaxFailuresPerInterval: 1, FailureRateIntervalMs: 60_000));
        Assert.True(lifecycle.Fail(0, TaskFailure).ShouldRestart);
        lifecycle.BeginRestart();
        lifecycle.NewAttempt(CheckpointIds.None);
        lifecycle.Deployed();
        lifecycle.EndRestart();
        _time.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromMilliseconds(1));

        Assert.True(lifecycle.Fail(1, TaskFailure).ShouldRestart);
    }

    [Fact]
    public void BeginCancel_WhileRestarting_CancelsAndTheRestartTimerDoesNothing()
    {
        var lifecycle = Running(FixedDelay(3, 10_000));
        lifecycle.Fail(0, TaskFailure);

        Assert.True(lifecycle.BeginCancel());
        Assert.Equal(JobStatus.Canceling, lifecycle.Status);
        Assert.False(lifecycle.IsFailureToHandle(0));
        lifecycle.Canceled();
        _time.Advance(TimeSpan.FromSeconds(10));

        Assert.False(lifecycle.BeginRestart());
        Assert.Equal(JobStatus.Canceled, lifecycle.Status);
        Assert.Equal(Start, _state.EndedAt); // when it was cancelled
        Assert.False(lifecycle.BeginCancel());
        Assert.False(lifecycle.IsRestartStalled(out _));
    }

    [Fact]
    public void TaskFinished_ByEveryTaskOnce_FinishesTheJob()
    {
        var lifecycle = Running(FixedDelay(3, 10_000));

        Assert.False(lifecycle.TaskFinished(0, 0, 0));
        Assert.False(lifecycle.TaskFinished(0, 0, 0)); // a repeated report counts once
        Assert.False(lifecycle.TaskFinished(1, 0, attempt: 5)); // another attempt's task
        Assert.False(lifecycle.TaskFinished(1, 0, 0));
        Assert.True(lifecycle.TaskFinished(1, 1, 0));

        Assert.True(lifecycle.IsFinishing);
        Assert.False(lifecycle.IsFailureToHandle(0));
        Assert.False(lifecycle.CanTakeSavepoint);
        lifecycle.Finished();
        Assert.Equal(JobStatus.Finished, lifecycle.Status);
        Assert.Equal(3, lifecycle.FinishedTasks);
    }

    [Fact]
    public void FinishFailed_TheFinalCommit_HandsTheFailureToTheStrategy()
    {
        var lifecycle = Running(FixedDelay(3, 10_000));
        lifecycle.TaskFinished(0, 0, 0);
        lifecycle.TaskFinished(1, 0, 0);
        lifecycle.TaskFinished(1, 1, 0);

        lifecycle.FinishFailed();

        Assert.True(lifecycle.IsFailureToHandle(0));
        Assert.True(lifecycle.Fail(0, TaskFailure).ShouldRestart);
        Assert.Equal(JobStatus.Restarting, lifecycle.Status);
    }

    [Fact]
    public void StopWithSavepoint_OfARunningJob_FinishesOnceAndIgnoresFailures()
    {
        var lifecycle = Running(FixedDelay(3, 10_000));

        Assert.True(lifecycle.StopWithSavepoint());
        Assert.False(lifecycle.StopWithSavepoint());
        Assert.False(lifecycle.IsFailureToHandle(0));
        lifecycle.Finished();

        Assert.Equal(JobStatus.Finished, lifecycle.Status);
        Assert.False(lifecycle.BeginCancel());
    }

    [Fact]
    public void StopWithSavepoint_WhileRestarting_IsRefused()
    {
        var lifecycle = Running(FixedDelay(3, 10_000));
        lifecycle.Fail(0, TaskFailure);

        Assert.False(lifecycle.CanTakeSavepoint);
        Assert.False(lifecycle.StopWithSavepoint());
    }

    [Fact]
    public void BeginRedeploy_ForALeavingSilo_WaitsThenResumesWithoutCountingAFailure()
    {
        var lifecycle = Running(FixedDelay(1, 10_000), checkpointing: true);
        Assert.True(lifecycle.CanRedeploy);

        lifecycle.BeginRedeploy();
        lifecycle.AwaitRedeploy();

        Assert.Equal(JobStatus.Restarting, lifecycle.Status);
        Assert.True(lifecycle.IsAwaitingRedeploy);
        Assert.False(lifecycle.CanRedeploy);
        Assert.False(lifecycle.IsFailureToHandle(0));
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.False(lifecycle.IsRestartStalled(out _)); // waiting for the drain is not a stalled restart

        lifecycle.RedeployNow();
        Assert.True(lifecycle.BeginRestart());
        Assert.Equal(1, lifecycle.NewAttempt(restoreFrom: 9));
        lifecycle.Deployed();
        lifecycle.EndRestart();
        lifecycle.EndRedeploy();

        Assert.Equal(JobStatus.Running, lifecycle.Status);
        Assert.False(_state.AwaitingRedeploy);
        Assert.True(lifecycle.CanRedeploy);
        Assert.Equal(0, lifecycle.Restarts.Attempts);
        Assert.True(lifecycle.Fail(1, TaskFailure).ShouldRestart); // the one restart the strategy grants is still there
    }

    [Fact]
    public void CanRedeploy_WithoutCheckpointing_IsFalse()
    {
        var lifecycle = Running(FixedDelay(1, 10_000), checkpointing: false);

        Assert.False(lifecycle.CanRedeploy);
    }

    [Fact]
    public void TakeOver_OfAJobFoundRestarting_HandlesTheLostAttemptAsAFailure()
    {
        Running(FixedDelay(3, 10_000)).Fail(0, TaskFailure);
        var next = NewActivation();

        Assert.Equal(TakeOverAction.HandleLostAttempt, next.TakeOver());

        Assert.Equal(JobStatus.Running, next.Status);
        Assert.True(next.IsFailureToHandle(0));
        Assert.Equal(TimeSpan.FromSeconds(10), next.Fail(0, new JobFailure("(job manager)", 0, "the job manager's silo failed while the job ran", "SiloFailure")).Delay);
        Assert.Equal(JobStatus.Restarting, next.Status);
    }

    [Fact]
    public void TakeOver_OfAJobFoundRunning_HandlesTheLostAttemptAsAFailure()
    {
        Running(FixedDelay(3, 10_000));
        var next = NewActivation();

        Assert.Equal(TakeOverAction.HandleLostAttempt, next.TakeOver());
        Assert.True(next.IsFailureToHandle(0));
    }

    [Fact]
    public void TakeOver_OfAJobAwaitingARedeploy_WaitsForIt()
    {
        var lifecycle = Running(FixedDelay(3, 10_000), checkpointing: true);
        lifecycle.BeginRedeploy();
        lifecycle.AwaitRedeploy();
        var next = NewActivation();

        Assert.Equal(TakeOverAction.AwaitRedeploy, next.TakeOver());

        Assert.True(next.IsRedeploying);
        Assert.True(next.IsAwaitingRedeploy);
        Assert.Equal(JobStatus.Restarting, next.Status);
    }

    [Theory]
    [InlineData(JobStatus.Finished)]
    [InlineData(JobStatus.Failed)]
    [InlineData(JobStatus.Canceled)]
    public void TakeOver_OfAnEndedJob_DoesNothing(JobStatus ended)
    {
        Running(FixedDelay(3, 10_000));
        _state.Status = ended;

        Assert.Equal(TakeOverAction.None, NewActivation().TakeOver());
        Assert.Equal(ended, _state.Status);
    }

    [Fact]
    public void StepAside_OfAStaleActivation_StopsEveryTransition()
    {
        var lifecycle = Running(FixedDelay(3, 10_000), checkpointing: true);
        lifecycle.Fail(0, TaskFailure);

        Assert.True(lifecycle.StepAside());
        Assert.False(lifecycle.StepAside());

        Assert.True(lifecycle.IsStale);
        Assert.False(lifecycle.BeginRestart());
        Assert.False(lifecycle.IsFailureToHandle(0));
        Assert.False(lifecycle.CanTakeSavepoint);
        Assert.Equal(TakeOverAction.None, lifecycle.TakeOver());
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.False(lifecycle.IsRestartStalled(out _));
    }

    [Fact]
    public void IsRestartStalled_WhenNoRestartIsScheduledOrRunning_AfterFiveSeconds()
    {
        var lifecycle = Running(FixedDelay(3, 10_000));
        lifecycle.Fail(0, TaskFailure);
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.False(lifecycle.IsRestartStalled(out _)); // its timer is pending

        lifecycle.BeginRestart();
        Assert.False(lifecycle.IsRestartStalled(out _)); // under way
        lifecycle.EndRestart(); // ended without a new attempt or a new failure: nothing else would restart the job

        Assert.True(lifecycle.IsRestartStalled(out var stalledFor));
        Assert.Equal(TimeSpan.FromSeconds(30), stalledFor);
    }

    [Fact]
    public void IsRestartStalled_BeforeFiveSeconds_IsFalse()
    {
        var lifecycle = Running(FixedDelay(3, 0));
        lifecycle.Fail(0, TaskFailure);
        lifecycle.BeginRestart();
        lifecycle.EndRestart();

        _time.Advance(TimeSpan.FromSeconds(5) - TimeSpan.FromTicks(1));
        Assert.False(lifecycle.IsRestartStalled(out _));
        _time.Advance(TimeSpan.FromTicks(1));
        Assert.True(lifecycle.IsRestartStalled(out _));
    }

    private static RestartStrategySettings FixedDelay(int attempts, long delayMs) => new(RestartStrategyKind.FixedDelay, attempts, delayMs);

    private static JobSubmission Submission(RestartStrategySettings? restart, bool checkpointing = false) =>
        new(JobId, JobId, new JobSource(null, [], JobId), Plan, ExecutionSettings.Default,
            checkpointing ? new CheckpointSettings(1_000) : null, restart);

    private JobLifecycle Submitted(RestartStrategySettings? restart, long restoreFrom = CheckpointIds.None, bool checkpointing = false)
    {
        var lifecycle = NewActivation();
        lifecycle.Submit(Submission(restart, checkpointing), restoreFrom);
        return lifecycle;
    }

    private JobLifecycle Running(RestartStrategySettings? restart, bool checkpointing = false)
    {
        var lifecycle = Submitted(restart, checkpointing: checkpointing);
        lifecycle.Deployed();
        return lifecycle;
    }

    /// <summary>A new activation's lifecycle over the same persisted state (as after a silo's death).</summary>
    private JobLifecycle NewActivation() => new(() => _state, _time, _statuses.Add);
}
