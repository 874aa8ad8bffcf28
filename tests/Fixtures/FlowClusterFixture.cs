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
    public StreamExecutionEnvironment Environment(int parallelism) => Cluster.Environment(parallelism);

    public async Task InitializeAsync() => _cluster = await FlowTestCluster.DeployAsync(2, silo => silo.UseLocalPersistence(_checkpoints));

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
