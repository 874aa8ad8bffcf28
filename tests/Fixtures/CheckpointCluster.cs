using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.TestingHost;
using OrleansFlow.Hosting;
using StackExchange.Redis;

namespace OrleansFlow.Tests.Fixtures;

/// <summary>
/// An in-process cluster a checkpoint test builds for itself (when it breaks storage or kills silos), with checkpoint
/// storage and reminders in Redis under a fresh service id (the key prefix); its keys are deleted on dispose.
/// </summary>
public sealed class CheckpointCluster : IAsyncDisposable
{
    private readonly string _redisAddress;

    private CheckpointCluster(InProcessTestCluster cluster, string redisAddress, string serviceId)
    {
        Cluster = cluster;
        _redisAddress = redisAddress;
        ServiceId = serviceId;
    }

    public InProcessTestCluster Cluster { get; }

    public IClusterClient Client => Cluster.Client;

    public string ServiceId { get; }

    /// <summary>An environment submitting to this cluster.</summary>
    public StreamExecutionEnvironment Environment(int parallelism) =>
        StreamExecutionEnvironment.ForCluster(Client).SetParallelism(parallelism);

    /// <summary>
    /// Starts <paramref name="silos"/> silos wired as Redis-clustered silos are (<see cref="PersistenceSiloBuilderExtensions.UseRedisPersistence"/>)
    /// on the Redis at <paramref name="redisConfiguration"/> (StackExchange.Redis syntax). With
    /// <paramref name="fastFailureDetection"/> a killed silo is declared dead in about a second (the membership
    /// settings of <c>flow silo</c>). Reminders may tick every second.
    /// </summary>
    public static async Task<CheckpointCluster> StartOnRedisAsync(string redisConfiguration, int silos, bool fastFailureDetection = false)
    {
        var serviceId = "orleansflow-test-" + Guid.NewGuid().ToString("N");
        var builder = new InProcessTestClusterBuilder((short)silos);
        builder.Options.ServiceId = serviceId;
        builder.Options.ClusterId = serviceId; // the Redis grain directory's keys start with it: cleaned up with the rest
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddOrleansFlow()
                .UseRedisPersistence(redisConfiguration)
                .Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
            if (fastFailureDetection)
            {
                silo.Configure<ClusterMembershipOptions>(m =>
                {
                    m.ProbeTimeout = TimeSpan.FromSeconds(1);
                    m.NumMissedProbesLimit = 2;
                    m.NumVotesForDeathDeclaration = 1;
                    m.TableRefreshTimeout = TimeSpan.FromSeconds(2);
                });
            }
        });
        builder.ConfigureHost(host =>
        {
            host.Logging.SetMinimumLevel(LogLevel.Warning).AddFilter("Orleans.Hosting.ReminderOptionsValidator", LogLevel.Error);
            TestLogFile.AddTo(host.Logging);
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new CheckpointCluster(cluster, redisConfiguration, serviceId);
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        try
        {
            await using var redis = await ConnectionMultiplexer.ConnectAsync(_redisAddress);
            var keys = redis.GetServers()[0].Keys(pattern: ServiceId + "*").ToArray();
            if (keys.Length > 0)
            {
                await redis.GetDatabase().KeyDeleteAsync(keys);
            }
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // Best effort: a test's own Redis may already be gone, or answer slowly under the test's short timeouts
            // (a fresh-clone run saw the SCAN time out at 1 s; RedisTimeoutException is a TimeoutException).
        }
    }
}
