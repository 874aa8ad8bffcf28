using Orleans.Runtime;
using OrleansFlow.Jobs;

namespace OrleansFlow.Tests.Fixtures;

/// <summary>
/// A keyed running sum (<see cref="CheckpointedSumJob"/>, two source subtasks at 1,000 records/s each) on a cluster of
/// its own: three silos on the test run's Redis that detect a dead silo in about a second, checkpoints every 200 ms
/// and up to three restarts. For tests that kill the silo of one of the job's grains.
/// </summary>
public sealed class SiloFailoverRun : IAsyncDisposable
{
    private SiloFailoverRun(IsolatedCluster cluster, JobClient job, string output)
    {
        Cluster = cluster;
        Job = job;
        Output = output;
    }

    public IsolatedCluster Cluster { get; }

    public JobClient Job { get; }

    /// <summary>The sink's output directory.</summary>
    public string Output { get; }

    public static async Task<SiloFailoverRun> StartAsync(TempDirectory dir, long count, Action<ISiloBuilder>? configureSilo = null)
    {
        var cluster = await IsolatedCluster.StartOnRedisAsync(RedisTestServer.Address, silos: 3, fastFailureDetection: true, configureSilo);
        var run = Probe.NewRun();
        var output = dir.File("sums-" + run);
        var env = cluster.Environment(2)
            .EnableCheckpointing(TimeSpan.FromMilliseconds(200))
            .SetRestartStrategy(RestartStrategy.FixedDelay(3, TimeSpan.FromMilliseconds(200)));
        var job = await env.ExecuteJobAsync<CheckpointedSumJob>(CheckpointedSumJob.Args(run, output, count, 1000), cancellationToken: TestTimeouts.JobToken());
        return new SiloFailoverRun(cluster, job, output);
    }

    /// <summary>The silo of <paramref name="grain"/>'s activation, if it has one.</summary>
    public ValueTask<SiloAddress?> HostOfAsync(IAddressable grain) => Cluster.Client.GetGrain<IManagementGrain>(0).GetActivationAddress(grain);

    /// <summary>Kills the silo at <paramref name="host"/> (no graceful shutdown).</summary>
    public Task KillAsync(SiloAddress host) => Cluster.Cluster.KillSiloAsync(Cluster.Cluster.Silos.Single(s => s.SiloAddress.Equals(host)));

    public ValueTask DisposeAsync() => Cluster.DisposeAsync();
}
