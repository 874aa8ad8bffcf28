using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OrleansFlow.Checkpoints;
using OrleansFlow.Configuration;
using OrleansFlow.Jobs;

namespace OrleansFlow.Tests.Unit.Jobs;

/// <summary>
/// <see cref="JobRestarter"/>: every step of the failover path, and every way one can fail, ends in a defined state.
/// The rules are Flink's (a failure goes to the restart strategy; restarting cancels the attempt's tasks and, after
/// the strategy's delay, deploys them again from the latest completed checkpoint; a strategy that gives up fails the
/// job) plus ours: the coordinator stops before anything else, a new attempt's number is durable before its tasks
/// exist and is never handed out twice, and a stale activation steps aside without acting.
/// </summary>
[Trait("Category", "Unit")]
public sealed class JobRestarterTests
{
    private static readonly JobFailure TaskFailure = new("map", 1, "boom", "InvalidOperationException");
    private static readonly JobManagerOptions Options = new();

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly JobManagerState _state = new();
    private readonly FakeAttemptControl _control;
    private readonly JobLifecycle _lifecycle;
    private readonly JobRestarter _restarter;

    public JobRestarterTests()
    {
        _control = new FakeAttemptControl(_time);
        _lifecycle = new JobLifecycle(() => _state, _time, _ => { });
        _restarter = new JobRestarter("job", () => _state, _lifecycle, _control, _time, Options, NullLogger.Instance);
    }

    [Fact]
    public async Task HandleFailure_WhenTheStrategyRestarts_StopsTheCoordinatorFirstThenPersistsCancelsAndSchedulesTheDelay()
    {
        await RunningAsync(FixedDelay(3, 10_000));

        await _restarter.HandleFailureAsync(0, TaskFailure);

        Assert.Equal(JobStatus.Restarting, _lifecycle.Status);
        Assert.Equal(TaskFailure, _state.LastFailure);
        Assert.Equal(["stop coordinator (job goes on)", "persist", "cancel attempt 0", "restart in 10000 ms"], _control.Calls);
    }

    [Theory]
    [InlineData(400, "restart in 600 ms")]
    [InlineData(1000, "restart in 0 ms")]
    [InlineData(5000, "restart in 0 ms")]
    public async Task HandleFailure_WhileTheTasksTakeTimeToCancel_CountsTheDelayFromTheFailure(int cancelMs, string scheduled)
    {
        await RunningAsync(FixedDelay(3, 1000));
        _control.CancelTakes = TimeSpan.FromMilliseconds(cancelMs);

        await _restarter.HandleFailureAsync(0, TaskFailure);

        Assert.Equal(scheduled, _control.Calls[^1]);
    }

    [Fact]
    public async Task Restart_AfterTheDelay_WritesTheAttemptThenDeploysItFromTheLatestCheckpointThenStartsCheckpointsAndSources()
    {
        await RunningAsync(FixedDelay(3, 10_000));
        await _restarter.HandleFailureAsync(0, TaskFailure);
        _control.LatestCheckpoint = 5;
        _control.Calls.Clear();

        await _restarter.RestartAsync();

        Assert.Equal(JobStatus.Running, _lifecycle.Status);
        Assert.Equal(1, _lifecycle.Attempt);
        Assert.Equal([CheckpointIds.None, 5L], _state.RestorePoints);
        Assert.Equal(["latest checkpoint", "write attempt 1", "deploy attempt 1 from 5", "persist", "start coordinator for attempt 1", "start sources of attempt 1"], _control.Calls);
    }

    [Fact]
    public async Task Restart_WhenTheLatestCheckpointCannotBeRead_CountsAFailureAndRestartsAgainAfterTheDelay()
    {
        await RunningAsync(FixedDelay(3, 10_000));
        await _restarter.HandleFailureAsync(0, TaskFailure);
        _control.LatestCheckpointFailures.Enqueue(new TimeoutException("storage is down"));
        _control.Calls.Clear();

        await _restarter.RestartAsync();

        Assert.Equal(JobStatus.Restarting, _lifecycle.Status);
        Assert.Equal(0, _lifecycle.Attempt);
        Assert.Equal(2, _lifecycle.Restarts.Attempts);
        Assert.Equal("the latest checkpoint could not be read: storage is down", _state.LastFailure!.Message);
        Assert.Equal(["latest checkpoint", "stop coordinator (job goes on)", "persist", "cancel attempt 0", "restart in 10000 ms"], _control.Calls);

        await _restarter.RestartAsync();

        Assert.Equal(JobStatus.Running, _lifecycle.Status);
        Assert.Equal(1, _lifecycle.Attempt);
    }

    [Fact]
    public async Task Restart_WhenTheNewAttemptCannotBeWritten_RestartsAgainAndNeverHandsItsNumberOut()
    {
        await RunningAsync(FixedDelay(3, 10_000));
        await _restarter.HandleFailureAsync(0, TaskFailure);
        _control.WriteFailures.Enqueue(new IOException("disk full"));

        await _restarter.RestartAsync();

        Assert.Equal(JobStatus.Restarting, _lifecycle.Status);
        Assert.DoesNotContain(_control.Calls, c => c.StartsWith("deploy", StringComparison.Ordinal));
        Assert.Equal("attempt 1 could not be persisted: disk full", _state.LastFailure!.Message);

        await _restarter.RestartAsync();

        Assert.Equal(JobStatus.Running, _lifecycle.Status);
        Assert.Equal(2, _lifecycle.Attempt);
        Assert.Contains($"deploy attempt 2 from {CheckpointIds.None}", _control.Calls);
        Assert.DoesNotContain($"deploy attempt 1 from {CheckpointIds.None}", _control.Calls);
    }

    [Fact]
    public async Task Restart_WhenTheDeploymentDoesNotFinishInTime_CountsAFailureNamingTheTimeout()
    {
        await RunningAsync(FixedDelay(3, 10_000));
        await _restarter.HandleFailureAsync(0, TaskFailure);
        var deployment = new TaskCompletionSource();
        _control.Deployments.Enqueue(deployment.Task);

        var restart = _restarter.RestartAsync();
        _time.Advance(Options.DeployTimeout - TimeSpan.FromTicks(1));
        Assert.False(restart.IsCompleted);
        _time.Advance(TimeSpan.FromTicks(1));
        await restart;

        Assert.Equal(JobStatus.Restarting, _lifecycle.Status);
        Assert.Equal(new JobFailure("(deployment)", 0, "the tasks of attempt 1 were not all deployed within 15 s", "TimeoutException"), _state.LastFailure);
        Assert.Equal("restart in 10000 ms", _control.Calls[^1]);
        Assert.Equal("cancel attempt 1", _control.Calls[^2]);
    }

    [Fact]
    public async Task Restart_WhenTheDeploymentFailsAndTheStrategyIsExhausted_FailsTheJobAndStopsItsCoordinatorAndTasks()
    {
        await RunningAsync(FixedDelay(1, 10_000));
        await _restarter.HandleFailureAsync(0, TaskFailure);
        _control.Deployments.Enqueue(Task.FromException(new InvalidOperationException("no silo")));
        _control.Calls.Clear();

        await _restarter.RestartAsync();

        Assert.Equal(JobStatus.Failed, _lifecycle.Status);
        Assert.StartsWith("no silo (not restarted: ", _state.Failure!.Message, StringComparison.Ordinal);
        Assert.Equal("(deployment)", _state.Failure.OperatorName);
        Assert.Equal(["latest checkpoint", "write attempt 1", $"deploy attempt 1 from {CheckpointIds.None}", "keep metrics of attempt 1", "persist", "stop coordinator (job ended)", "cancel attempt 1"], _control.Calls);
    }

    [Fact]
    public async Task Restart_WhenAnotherActivationWroteTheJob_StepsAsideWithoutDeployingOrScheduling()
    {
        await RunningAsync(FixedDelay(3, 10_000));
        await _restarter.HandleFailureAsync(0, TaskFailure);
        _control.WriteFailures.Enqueue(new StaleActivationException("superseded"));
        _control.Calls.Clear();

        await _restarter.RestartAsync();

        Assert.Equal(["latest checkpoint", "write attempt 1", "step aside: superseded"], _control.Calls);
    }

    [Fact]
    public async Task HandleFailure_OfAnOlderAttemptOrWhileRestarting_IsIgnored()
    {
        await RunningAsync(FixedDelay(3, 10_000));
        await _restarter.HandleFailureAsync(0, TaskFailure);
        _control.Calls.Clear();

        await _restarter.HandleFailureAsync(0, TaskFailure with { Message = "again" }); // restarting
        await _restarter.RestartAsync();
        _control.Calls.Clear();
        await _restarter.HandleFailureAsync(0, TaskFailure with { Message = "late" }); // attempt 0 was replaced

        Assert.Empty(_control.Calls);
        Assert.Equal(1, _lifecycle.Restarts.Attempts);
        Assert.Equal(JobStatus.Running, _lifecycle.Status);
    }

    [Fact]
    public async Task HandleFailure_AbsorbedByARedeploy_DoesNotConsultTheStrategy()
    {
        await RunningAsync(FixedDelay(1, 10_000));
        _control.AbsorbFailures = true;

        await _restarter.HandleFailureAsync(0, TaskFailure);

        Assert.Equal(0, _lifecycle.Restarts.Attempts);
        Assert.Equal(["absorbed by a redeploy"], _control.Calls);
    }

    [Fact]
    public async Task HandleFailure_WithNoRestartStrategy_FailsTheJobWithTheTaskFailure()
    {
        await RunningAsync(new RestartStrategySettings(RestartStrategyKind.None));

        await _restarter.HandleFailureAsync(0, TaskFailure);

        Assert.Equal(JobStatus.Failed, _lifecycle.Status);
        Assert.Equal(TaskFailure, _state.Failure);
        Assert.Equal(["keep metrics of attempt 0", "persist", "stop coordinator (job ended)", "cancel attempt 0"], _control.Calls);
    }

    /// <summary>
    /// Issue 13 (1b): the third attempt in a row that fails with a silo's death before a checkpoint is not redeployed:
    /// the job is Failed as poisonous, persisted, and its coordinator stopped for good; the count survives the job
    /// manager (it lives in the persisted state a new activation reads).
    /// </summary>
    [Fact]
    public async Task Restart_AfterThreeAttemptsInARowFailedBySiloDeaths_FailsThePoisonousJobWithoutDeploying()
    {
        await RunningAsync(FixedDelay(100, 1_000));
        var siloDeath = new JobFailure("(job manager)", 0, "the job manager's silo failed while the job ran", PoisonousJobGuard.SiloFailureType);
        for (var attempt = 0; attempt < 2; attempt++)
        {
            await _restarter.HandleFailureAsync(attempt, siloDeath);
            await _restarter.RestartAsync();
            Assert.Equal(JobStatus.Running, _lifecycle.Status);
        }

        // A new activation (the job manager died with the silos) carries the count on.
        var lifecycle = new JobLifecycle(() => _state, _time, _ => { });
        var restarter = new JobRestarter("job", () => _state, lifecycle, _control, _time, Options, NullLogger.Instance);
        await restarter.HandleFailureAsync(2, siloDeath);
        _control.Calls.Clear();
        await restarter.RestartAsync();

        Assert.Equal(JobStatus.Failed, lifecycle.Status);
        Assert.Equal(2, lifecycle.Attempt);
        Assert.Equal(PoisonousJobGuard.PoisonousJobType, _state.Failure!.ExceptionType);
        Assert.StartsWith("poisonous job: 3 attempts in a row coincided with a silo's death before completing a checkpoint", _state.Failure.Message, StringComparison.Ordinal);
        Assert.Equal(["latest checkpoint", "persist", "stop coordinator (job ended)"], _control.Calls);
    }

    private static RestartStrategySettings FixedDelay(int attempts, long delayMs) => new(RestartStrategyKind.FixedDelay, attempts, delayMs);

    /// <summary>A job submitted with <paramref name="restart"/> whose first attempt was deployed.</summary>
    private async Task RunningAsync(RestartStrategySettings restart)
    {
        var plan = new JobPlan(
            [new VertexPlan(0, "source", 1, [0], IsSource: true, KeyedOperatorId: null), new VertexPlan(1, "sink", 1, [1], IsSource: false, KeyedOperatorId: null)],
            [new EdgePlan(0, 1, PartitionKind.Forward, 0, 0)],
            [new OperatorPlan(0, "source", null, "source", 0), new OperatorPlan(1, "sink", null, "sink", 1)],
            "fp");
        _lifecycle.Submit(new JobSubmission("job", "job", new JobSource(null, [], "job"), plan, ExecutionSettings.Default, null, restart), CheckpointIds.None);
        await _restarter.DeployAttemptAsync(CancellationToken.None);
        _control.Calls.Clear();
    }

    /// <summary>Records every call in order; each kind of call can be made to fail.</summary>
    private sealed class FakeAttemptControl(FakeTimeProvider time) : IJobAttemptControl
    {
        public List<string> Calls { get; } = [];

        public long LatestCheckpoint { get; set; } = CheckpointIds.None;

        public Queue<Exception> LatestCheckpointFailures { get; } = new();

        public Queue<Exception> WriteFailures { get; } = new();

        /// <summary>What the next deployments return (completed when empty).</summary>
        public Queue<Task> Deployments { get; } = new();

        public bool AbsorbFailures { get; set; }

        private int _attempt;

        public Task StopCoordinatorAsync(bool jobEnded, bool discardCheckpoints) => Record(jobEnded ? "stop coordinator (job ended)" : "stop coordinator (job goes on)");

        public Task<long> GetLatestCompletedCheckpointAsync()
        {
            Calls.Add("latest checkpoint");
            return LatestCheckpointFailures.TryDequeue(out var e) ? Task.FromException<long>(e) : Task.FromResult(LatestCheckpoint);
        }

        public Task PersistAsync() => Record("persist");

        public Task WriteNewAttemptAsync()
        {
            Calls.Add($"write attempt {++_attempt}");
            return WriteFailures.TryDequeue(out var e) ? Task.FromException(e) : Task.CompletedTask;
        }

        /// <summary>How long cancelling an attempt's tasks takes (fake time).</summary>
        public TimeSpan CancelTakes { get; set; }

        public Task CancelTasksAsync(int attempt)
        {
            time.Advance(CancelTakes);
            return Record($"cancel attempt {attempt}");
        }

        public Task KeepFinalMetricsAsync(int attempt) => Record($"keep metrics of attempt {attempt}");

        public Task DeployTasksAsync(int attempt, long restoredCheckpointId, CancellationToken cancellationToken)
        {
            _attempt = attempt;
            Calls.Add($"deploy attempt {attempt} from {restoredCheckpointId}");
            return Deployments.TryDequeue(out var deployment) ? deployment : Task.CompletedTask;
        }

        public Task StartCoordinatorAsync(int attempt, CancellationToken cancellationToken) => Record($"start coordinator for attempt {attempt}");

        public Task StartSourcesAsync(int attempt, CancellationToken cancellationToken) => Record($"start sources of attempt {attempt}");

        public void ScheduleRestart(TimeSpan delay) => Calls.Add($"restart in {delay.TotalMilliseconds} ms");

        public void StepAside(string reason) => Calls.Add($"step aside: {reason}");

        public Task<bool> AbsorbedByRedeployAsync(int attempt, JobFailure failure)
        {
            if (AbsorbFailures)
            {
                Calls.Add("absorbed by a redeploy");
            }

            return Task.FromResult(AbsorbFailures);
        }

        private Task Record(string call)
        {
            Calls.Add(call);
            return Task.CompletedTask;
        }
    }
}
