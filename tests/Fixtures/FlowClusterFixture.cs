using Microsoft.Extensions.Logging;
using Orleans.TestingHost;
using OrleansFlow.Hosting;

namespace OrleansFlow.Tests.Fixtures;

/// <summary>A two-silo in-process cluster running the OrleansFlow runtime, shared by the cluster tests.</summary>
public sealed class FlowClusterFixture : IAsyncLifetime
{
    private InProcessTestCluster? _cluster;

    public InProcessTestCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster is not deployed.");

    /// <summary>An environment submitting to this cluster.</summary>
    public StreamExecutionEnvironment Environment(int parallelism) =>
        StreamExecutionEnvironment.ForCluster(Cluster.Client).SetParallelism(parallelism);

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) => silo.AddOrleansFlow().AddMemoryGrainStorage(FlowNames.CheckpointStorage).UseInMemoryReminderService());
        builder.ConfigureHost(host => host.Logging.SetMinimumLevel(LogLevel.Warning));
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<FlowClusterFixture>
{
    public const string Name = "cluster";
}
