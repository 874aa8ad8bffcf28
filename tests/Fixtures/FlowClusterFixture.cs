using Microsoft.Extensions.Logging;
using Orleans.TestingHost;
using OrleansFlow.Hosting;

namespace OrleansFlow.Tests.Fixtures;

/// <summary>
/// A two-silo in-process cluster running the OrleansFlow runtime, shared by the cluster tests. Checkpoints go to a
/// temporary directory (which survives a killed silo, unlike memory storage).
/// </summary>
public sealed class FlowClusterFixture : IAsyncLifetime
{
    private readonly string _checkpoints = Path.Combine(Path.GetTempPath(), "orleansflow-tests-" + Guid.NewGuid().ToString("N"));
    private InProcessTestCluster? _cluster;

    public InProcessTestCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster is not deployed.");

    /// <summary>An environment submitting to this cluster.</summary>
    public StreamExecutionEnvironment Environment(int parallelism) =>
        StreamExecutionEnvironment.ForCluster(Cluster.Client).SetParallelism(parallelism);

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) => silo.AddOrleansFlow().UseLocalPersistence(_checkpoints));
        builder.ConfigureHost(host =>
        {
            host.Logging.SetMinimumLevel(LogLevel.Warning);
            TestLogFile.AddTo(host.Logging);
        });
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        if (Directory.Exists(_checkpoints))
        {
            Directory.Delete(_checkpoints, recursive: true);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<FlowClusterFixture>
{
    public const string Name = "cluster";
}
