using OrleansFlow.Jobs;
using OrleansFlow.Tests.Fixtures;
using Xunit.Abstractions;

namespace OrleansFlow.Tests.Cluster.Recovery;

/// <summary>
/// Issue 13, item 4: the cluster's storage restarts empty under a running job (here the checkpoint directory is
/// emptied, as a Redis restarted without persistence or flushed is). The job must fail, naming lost storage, instead of
/// running on, hanging or stepping its job manager aside over and over as though another activation had written.
/// </summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class StorageLossClusterTests(ITestOutputHelper log) : IDisposable
{
    private const long Count = 8_000; // 8 s at 1,000 records/s per source subtask, were storage not lost
    private readonly TempDirectory _dir = new();
    private readonly TempDirectory _checkpoints = new();

    public void Dispose()
    {
        _checkpoints.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task Job_WhenItsStorageIsEmptiedWhileItRuns_FailsNamingLostStorage()
    {
        await using var cluster = await IsolatedCluster.StartAsync(1, _checkpoints.Path);
        var env = cluster.Environment(1)
            .EnableCheckpointing(TimeSpan.FromMilliseconds(200))
            .SetRestartStrategy(RestartStrategy.FixedDelay(3, TimeSpan.FromMilliseconds(200)));
        var job = await env.ExecuteJobAsync<CheckpointedSumJob>(
            CheckpointedSumJob.Args(Probe.NewRun(), _dir.File("sums"), Count, 1000), cancellationToken: TestTimeouts.JobToken());
        await CheckpointWatch.WaitForCompletedAsync(cluster.Client, job.JobId, 2);

        foreach (var file in Directory.EnumerateFiles(_checkpoints.Path, "*", SearchOption.AllDirectories))
        {
            File.Delete(file);
        }

        var failed = await Assert.ThrowsAsync<JobExecutionException>(() => job.WaitForCompletionAsync(TestTimeouts.JobToken()));
        log.WriteLine(failed.Message);

        Assert.Equal("(storage)", failed.Failure!.OperatorName);
        Assert.StartsWith("cluster storage lost the job manager's record: it was stored and is gone now", failed.Failure.Message, StringComparison.Ordinal);
        Assert.Equal(JobStatus.Failed, (await job.GetStatusAsync(TestTimeouts.JobToken())).Status);
    }
}
