using Orleans.Runtime;
using OrleansFlow.Checkpoints;
using OrleansFlow.Jobs;
using OrleansFlow.Tests.Fixtures;
using Xunit.Abstractions;

namespace OrleansFlow.Tests.Cluster.Checkpointing;

/// <summary>
/// A three-silo cluster on the test run's Redis (durable checkpoint storage and reminders) that detects a dead silo
/// in about a second. Killing the silo of a job's checkpoint coordinator must not stop checkpointing.
/// </summary>
// In the shared cluster's collection although it builds its own cluster, so that it runs after, not beside, the other
// cluster tests: its timing (1 s timeouts, fast failure detection) should not compete with them for two cores.
[Collection(ClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class CoordinatorFailoverClusterTests(ITestOutputHelper log) : IDisposable
{
    private const long Count = 12_000; // 6 s at 1,000 records/s per source subtask
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task KillSilo_OfTheCheckpointCoordinator_CheckpointsGoOnWithNewIdsAfterTheRestart()
    {
        var result = await RunAndKillCoordinatorSiloAsync();
        var context = result.Context;

        Assert.Equal(JobStatus.Finished, result.Status.Status);
        Assert.True(result.Status.Attempt >= 1, $"The job did not restart after its coordinator's silo died. {context}");
        Assert.NotEqual(result.KilledHost, result.NewHost);
        var history = CheckpointWatch.Chronological(result.After);
        var lastBeforeKill = result.Before.History.Max(h => h.CheckpointId);
        var afterRestart = history.Where(h => h.Attempt == result.Status.Attempt).ToList();
        Assert.True(afterRestart.Any(h => h.Status == CheckpointStatus.Completed), $"No checkpoint completed after the restart. {context}");
        Assert.True(afterRestart.Min(h => h.CheckpointId) > lastBeforeKill, $"Ids repeat across the failover. {context}");
        Assert.True(history.Select(h => h.CheckpointId).Distinct().Count() == history.Count, $"Ids repeat in the history. {context}");
        Assert.Contains(history, h => h.CheckpointId <= lastBeforeKill && h.Status == CheckpointStatus.Completed); // history survived the failover
        Assert.True(result.After.LatestCompletedId > lastBeforeKill, context);
        Assert.DoesNotContain(history, h => h.Status == CheckpointStatus.InProgress);
    }

    [Fact]
    public async Task KillSilo_OfTheCheckpointCoordinator_TheOutputIsExact()
    {
        var result = await RunAndKillCoordinatorSiloAsync();

        Assert.Equal(JobStatus.Finished, result.Status.Status);
        CheckpointedSumJob.AssertExactOutput(Count, result.Output, result.Context);
    }

    /// <summary>Runs the keyed sum and kills the coordinator's silo after the third completed checkpoint.</summary>
    private async Task<FailoverRun> RunAndKillCoordinatorSiloAsync()
    {
        await using var run = await SiloFailoverRun.StartAsync(_dir, Count);
        var (job, output) = (run.Job, run.Output);
        var coordinator = run.Cluster.Client.GetGrain<ICheckpointCoordinatorGrain>(job.JobId);

        var before = await CheckpointWatch.WaitForCompletedAsync(run.Cluster.Client, job.JobId, 3);
        var host = await run.HostOfAsync(coordinator)
            ?? throw new InvalidOperationException($"Job {job.JobId}: the coordinator has no activation.");
        var managerHost = await run.HostOfAsync(run.Cluster.Client.GetGrain<IJobManagerGrain>(job.JobId));
        log.WriteLine($"Killing silo {host} of the coordinator (the job manager is on {managerHost}) after checkpoint {before.LatestCompletedId}.");
        await run.KillAsync(host);

        var status = await job.WaitForCompletionAsync(TestTimeouts.JobToken());
        var after = await CheckpointWatch.OverviewAsync(run.Cluster.Client, job.JobId);
        var newHost = await run.HostOfAsync(coordinator);
        var context = $"Job {job.JobId}, coordinator moved from {host} to {newHost}: {CheckpointWatch.Describe(after)}";
        log.WriteLine(context);
        return new FailoverRun(status, before, after, host, newHost, output, context);
    }

    private sealed record FailoverRun(
        JobStatusInfo Status, CheckpointOverview Before, CheckpointOverview After, SiloAddress KilledHost, SiloAddress? NewHost, string Output, string Context);
}
