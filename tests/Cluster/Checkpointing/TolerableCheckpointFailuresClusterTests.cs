using OrleansFlow.Checkpoints;
using OrleansFlow.Jobs;
using OrleansFlow.Tests.Fixtures;
using Xunit.Abstractions;

namespace OrleansFlow.Tests.Cluster.Checkpointing;

/// <summary>With no tolerated checkpoint failures, a checkpoint timeout fails the attempt; the restart strategy decides what follows.</summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class TolerableCheckpointFailuresClusterTests(FlowClusterFixture fixture, ITestOutputHelper log) : IDisposable
{
    private const string Threshold = "Exceeded checkpoint tolerable failure threshold (0)";
    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(1500);
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task CheckpointTimeout_WhenNoFailureIsTolerated_RestartsTheJobFromTheLastCompletedCheckpoint()
    {
        const long Count = 8000;
        var (job, faults, output) = await StartAsync(Count, RestartStrategy.FixedDelay(2, TimeSpan.FromMilliseconds(100)));

        var status = await job.WaitForCompletionAsync(TestTimeouts.JobToken());
        var overview = await CheckpointWatch.OverviewAsync(fixture.Cluster.Client, job.JobId);
        var context = $"Job {job.JobId}: {CheckpointWatch.Describe(overview)}";
        log.WriteLine(context);

        Assert.True(status.Status == JobStatus.Finished, $"The job is {status.Status}. {context}");
        Assert.True(faults.Stalled == 1, $"The stall fired {faults.Stalled} times. {context}");
        // Restarted at least once; more only if a checkpoint of a later attempt timed out too (a loaded machine).
        Assert.True(status.Attempt >= 1, $"The job was not restarted. {context}");
        Assert.Contains(Threshold, status.LastFailure?.Message ?? "", StringComparison.Ordinal);
        Assert.Contains("Timeout", status.LastFailure?.Message ?? "", StringComparison.Ordinal);
        var history = CheckpointWatch.Chronological(overview);
        var firstTimeout = history.First(h => h.FailureReason?.StartsWith("Timeout", StringComparison.Ordinal) == true);
        Assert.True(firstTimeout.Attempt == 0, $"The first timeout was in attempt {firstTimeout.Attempt}. {context}");
        Assert.Contains(history, h => h.Attempt == 1 && h.Status == CheckpointStatus.Completed);
        CheckpointedSumJob.AssertExactOutput(Count, output, context);
    }

    [Fact]
    public async Task CheckpointTimeout_WhenNoFailureIsToleratedAndNoRestart_FailsTheJobNamingTheThreshold()
    {
        var (job, faults, _) = await StartAsync(8000, RestartStrategy.NoRestart());

        var error = await Assert.ThrowsAsync<JobExecutionException>(() => job.WaitForCompletionAsync(TestTimeouts.JobToken()));
        var status = await job.GetStatusAsync();
        var overview = await CheckpointWatch.OverviewAsync(fixture.Cluster.Client, job.JobId);

        var context = $"Job {job.JobId}: {CheckpointWatch.Describe(overview)}";
        Assert.True(status.Status == JobStatus.Failed, $"The job is {status.Status}. {context}");
        Assert.True(status.Attempt == 0, $"The job restarted. {context}");
        Assert.True(faults.Stalled == 1, $"The stall fired {faults.Stalled} times. {context}");
        Assert.Contains(Threshold, error.Failure!.Message, StringComparison.Ordinal);
        Assert.Equal("CheckpointException", error.Failure.ExceptionType);
        Assert.Contains(overview.History, h => h.Status == CheckpointStatus.Failed && h.FailureReason!.StartsWith("Timeout", StringComparison.Ordinal));
        log.WriteLine(context);
    }

    private async Task<(JobClient Job, FaultInjection Faults, string Output)> StartAsync(long count, RestartStrategy restart)
    {
        var run = Probe.NewRun();
        var faults = FaultInjection.Of(run);
        var output = _dir.File("sums-" + run);
        var env = fixture.Environment(2).EnableCheckpointing(TimeSpan.FromMilliseconds(200)).SetRestartStrategy(restart);
        env.CheckpointConfig.CheckpointTimeout = Timeout;
        env.CheckpointConfig.TolerableCheckpointFailureNumber = 0;
        var job = await env.ExecuteJobAsync<CheckpointedSumJob>(CheckpointedSumJob.Args(run, output, count, 1000), cancellationToken: TestTimeouts.JobToken());
        await CheckpointWatch.WaitForCompletedAsync(fixture.Cluster.Client, job.JobId, 2);
        // A "Stall" subtask blocks its thread at a gate that opens once a checkpoint has timed out (a timed stall raced
        // the trigger, which the blocked thread also delays). Not awaited: the test awaits the job.
        faults.ArmGate();
        _ = CheckpointWatch.OpenGateAfterATimeoutAsync(fixture.Cluster.Client, job.JobId, faults);
        return (job, faults, output);
    }
}
