using OrleansFlow.Checkpoints;
using OrleansFlow.Jobs;
using OrleansFlow.Tests.Fixtures;
using Xunit.Abstractions;

namespace OrleansFlow.Tests.Cluster.Checkpointing;

[Collection(ClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class CheckpointTimeoutClusterTests(FlowClusterFixture fixture, ITestOutputHelper log) : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(1500);
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Checkpoint_WhenATaskStallsPastTheTimeout_IsAbortedAndTheNextOneCompletes()
    {
        const long Count = 12_000;
        var run = Probe.NewRun();
        var faults = FaultInjection.Of(run);
        var output = _dir.File("sums");
        var env = fixture.Environment(2).EnableCheckpointing(TimeSpan.FromMilliseconds(200));
        env.CheckpointConfig.CheckpointTimeout = Timeout;
        env.CheckpointConfig.TolerableCheckpointFailureNumber = 10;
        var job = await env.ExecuteJobAsync<CheckpointedSumJob>(CheckpointedSumJob.Args(run, output, Count, 1000), cancellationToken: TestTimeouts.JobToken());
        var grains = fixture.Cluster.Client;

        await CheckpointWatch.WaitForCompletedAsync(grains, job.JobId, 2);
        // A "Stall" subtask blocks its thread at a gate: barriers behind it cannot be acknowledged. The gate opens only
        // once a checkpoint has timed out (a timed stall raced the trigger: the blocked thread also delayed the next
        // trigger, and once a checkpoint completed exactly at its deadline).
        faults.ArmGate();
        await CheckpointWatch.OpenGateAfterATimeoutAsync(grains, job.JobId, faults);

        var status = await job.WaitForCompletionAsync(TestTimeouts.JobToken());
        var overview = await CheckpointWatch.OverviewAsync(grains, job.JobId);
        var context = $"Job {job.JobId}: {CheckpointWatch.Describe(overview)}";
        log.WriteLine(context);

        Assert.True(status.Status == JobStatus.Finished, $"The job is {status.Status}. {context}");
        Assert.True(status.Attempt == 0, $"The job restarted although failures were tolerated. {context}");
        Assert.True(faults.Stalled == 1, $"The stall fired {faults.Stalled} times. {context}");
        var history = CheckpointWatch.Chronological(overview);
        var timedOut = history.Where(h => h.Status == CheckpointStatus.Failed && h.FailureReason?.Contains("Timeout", StringComparison.Ordinal) == true).ToList();
        Assert.True(timedOut.Count > 0, $"No checkpoint timed out. {context}");
        Assert.All(timedOut, h => Assert.True(h.DurationMs >= Timeout.TotalMilliseconds - 1, $"Checkpoint {h.CheckpointId} was aborted before its timeout. {context}"));
        // The first timeout is the stall's; later ones can be the backlog the stall left (barriers queue behind it) or
        // the job's end overtaking a checkpoint, so the checkpoint that must complete is one after the first timeout.
        Assert.True(history.Any(h => h.Status == CheckpointStatus.Completed && h.CheckpointId > timedOut[0].CheckpointId),
            $"No checkpoint completed after the stall's timeout. {context}");
        Assert.Equal(history.Count(h => h.Status == CheckpointStatus.Failed), overview.Failed);
        CheckpointedSumJob.AssertExactOutput(Count, output, context);
    }
}
