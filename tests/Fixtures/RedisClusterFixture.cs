using Orleans.TestingHost;
using StackExchange.Redis;

namespace OrleansFlow.Tests.Fixtures;

/// <summary>
/// A two-silo in-process cluster whose checkpoint storage and reminders live in the test run's Redis
/// (<see cref="FlowTestCluster.UseTestRedisPersistence"/>). Each fixture has its own service id, so its Redis keys
/// (which start with the service id) never meet another run's; they are deleted on dispose.
/// </summary>
public sealed class RedisClusterFixture : IAsyncLifetime
{
    private InProcessTestCluster? _cluster;
    private ConnectionMultiplexer? _redis;

    public InProcessTestCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster is not deployed.");

    /// <summary>The cluster's service id: the prefix of every Redis key it writes.</summary>
    public string ServiceId { get; } = "orleansflow-test-" + Guid.NewGuid().ToString("N");

    /// <summary>A direct connection to the test Redis, to look at what the cluster stored.</summary>
    public IDatabase Redis => (_redis ?? throw new InvalidOperationException("Redis is not connected.")).GetDatabase();

    /// <summary>The keys of this cluster in Redis matching <paramref name="pattern"/> (after the service id).</summary>
    public IReadOnlyList<string> Keys(string pattern) =>
        [.. _redis!.GetServer(_redis.GetEndPoints()[0]).Keys(pattern: ServiceId + pattern).Select(k => k.ToString())];

    public async Task InitializeAsync()
    {
        var address = RedisTestServer.Address;
        _redis = await ConnectionMultiplexer.ConnectAsync(address);
        _cluster = await FlowTestCluster.DeployAsync(2, silo => silo.UseTestRedisPersistence(address), ServiceId);
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        if (_redis is not null)
        {
            await RedisTestServer.DeleteKeysAsync(_redis, ServiceId + "*");
            await _redis.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class RedisClusterCollection : ICollectionFixture<RedisClusterFixture>
{
    public const string Name = "redis-cluster";
}
