using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.TestingHost;
using OrleansFlow.Hosting;

namespace OrleansFlow.Tests.Fixtures;

/// <summary>
/// A three-silo in-process cluster of its own, for tests that kill silos: membership tuned to declare a dead silo
/// in about a second (as the silo host does), checkpoints in a temporary directory that outlives killed silos.
/// </summary>
public sealed class CrashTestCluster : IAsyncDisposable
{
    private readonly TempDirectory? _checkpoints;

    private CrashTestCluster(InProcessTestCluster cluster, TempDirectory? checkpoints)
    {
        Cluster = cluster;
        _checkpoints = checkpoints;
    }

    public InProcessTestCluster Cluster { get; }

    /// <summary>An environment submitting to this cluster.</summary>
    public StreamExecutionEnvironment Environment(int parallelism) =>
        StreamExecutionEnvironment.ForCluster(Cluster.Client).SetParallelism(parallelism);

    public static async Task<CrashTestCluster> StartAsync(int silos = 3)
    {
        var checkpoints = new TempDirectory();
        return await StartAsync(silos, checkpoints.Path, checkpoints);
    }

    /// <summary>
    /// A cluster whose checkpoint storage is <paramref name="checkpointDirectory"/>, which the caller owns: a later
    /// cluster over the same directory sees everything this one stored, as after restarting every silo.
    /// </summary>
    public static Task<CrashTestCluster> StartAsync(int silos, string checkpointDirectory) => StartAsync(silos, checkpointDirectory, owned: null);

    private static async Task<CrashTestCluster> StartAsync(int silos, string checkpointDirectory, TempDirectory? owned)
    {
        var builder = new InProcessTestClusterBuilder((short)silos);
        builder.ConfigureSilo((_, silo) => silo
            .AddOrleansFlow()
            .UseLocalPersistence(checkpointDirectory)
            .Configure<ClusterMembershipOptions>(m =>
            {
                m.ProbeTimeout = TimeSpan.FromSeconds(1);
                m.NumMissedProbesLimit = 2;
                m.NumVotesForDeathDeclaration = 1;
                m.TableRefreshTimeout = TimeSpan.FromSeconds(2);
            }));
        builder.ConfigureHost(host => host.Logging.SetMinimumLevel(LogLevel.Warning).AddFilter("OrleansFlow", LogLevel.Warning)
            .AddSimpleConsole(c => c.SingleLine = true));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new CrashTestCluster(cluster, owned);
    }

    /// <summary>Kills a silo other than the first (which hosts the client's gateway) abruptly, as a crash would.</summary>
    public Task KillSiloAsync(int index) => Cluster.KillSiloAsync(Cluster.Silos[index]);

    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        _checkpoints?.Dispose();
    }
}
