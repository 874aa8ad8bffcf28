using Orleans.TestingHost;
using OrleansFlow.Hosting;
using StackExchange.Redis;

namespace OrleansFlow.Tests.Fixtures;

/// <summary>
/// An in-process cluster a test builds for itself, because it kills or restarts silos or breaks storage, which the
/// shared <see cref="FlowClusterFixture"/> must not see. Its checkpoint storage outlives killed silos: a directory
/// (<see cref="StartAsync(int)"/>) or Redis (<see cref="StartOnRedisAsync"/>); on dispose the cluster stops and the
/// storage it owns (its temporary directory, or its Redis keys) is deleted.
/// </summary>
public sealed class IsolatedCluster : IAsyncDisposable
{
    private readonly Func<Task> _deleteStorage;

    private IsolatedCluster(InProcessTestCluster cluster, Func<Task> deleteStorage)
    {
        Cluster = cluster;
        _deleteStorage = deleteStorage;
    }

    public InProcessTestCluster Cluster { get; }

    public IClusterClient Client => Cluster.Client;

    /// <summary>An environment submitting to this cluster.</summary>
    public StreamExecutionEnvironment Environment(int parallelism) => Cluster.Environment(parallelism);

    /// <summary>
    /// Starts <paramref name="silos"/> silos with checkpoints in a temporary directory of their own, detecting a dead
    /// silo in about a second (<see cref="FlowTestCluster.UseFastFailureDetection"/>).
    /// </summary>
    public static async Task<IsolatedCluster> StartAsync(int silos = 3)
    {
        var checkpoints = new TempDirectory();
        try
        {
            return await StartLocalAsync(silos, checkpoints.Path, () => checkpoints.Dispose());
        }
        catch
        {
            checkpoints.Dispose();
            throw;
        }
    }

    /// <summary>
    /// As <see cref="StartAsync(int)"/>, with checkpoints in <paramref name="checkpointDirectory"/>, which the caller
    /// owns: a later cluster over the same directory sees everything this one stored, as after restarting every silo.
    /// </summary>
    public static Task<IsolatedCluster> StartAsync(int silos, string checkpointDirectory) => StartLocalAsync(silos, checkpointDirectory, () => { });

    /// <summary>
    /// As <see cref="StartAsync(int, string)"/>, with the checkpoint storage seen through the directory's
    /// <see cref="StorageProbe"/> (<see cref="InstrumentedGrainStorage"/>): counted, and failing the writes a test plans.
    /// </summary>
    public static Task<IsolatedCluster> StartInstrumentedAsync(int silos, string checkpointDirectory) =>
        StartLocalAsync(silos, checkpointDirectory, () => { }, instrumented: true);

    /// <summary>
    /// Starts <paramref name="silos"/> silos wired as Redis-clustered silos are (<see cref="FlowTestCluster.UseTestRedisPersistence"/>)
    /// on the Redis at <paramref name="redisConfiguration"/> (StackExchange.Redis syntax), under a fresh service id
    /// (the prefix of its keys). With <paramref name="fastFailureDetection"/> a killed silo is declared dead in about a second;
    /// <paramref name="configureSilo"/> adds settings of the test's own.
    /// </summary>
    public static async Task<IsolatedCluster> StartOnRedisAsync(string redisConfiguration, int silos, bool fastFailureDetection = false, Action<ISiloBuilder>? configureSilo = null)
    {
        var serviceId = "orleansflow-test-" + Guid.NewGuid().ToString("N");
        var cluster = await FlowTestCluster.DeployAsync(silos, silo =>
        {
            silo.UseTestRedisPersistence(redisConfiguration);
            if (fastFailureDetection)
            {
                silo.UseFastFailureDetection();
            }

            configureSilo?.Invoke(silo);
        }, serviceId);
        return new IsolatedCluster(cluster, () => DeleteRedisKeysAsync(redisConfiguration, serviceId));
    }

    /// <summary>Kills a silo other than the first (which hosts the client's gateway) abruptly, as a crash would.</summary>
    public Task KillSiloAsync(int index) => Cluster.KillSiloAsync(Cluster.Silos[index]);

    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        await _deleteStorage();
    }

    private static async Task<IsolatedCluster> StartLocalAsync(int silos, string checkpointDirectory, Action deleteStorage, bool instrumented = false)
    {
        var cluster = await FlowTestCluster.DeployAsync(silos, silo =>
            (instrumented ? silo.UseInstrumentedLocalPersistence(checkpointDirectory) : silo.UseLocalPersistence(checkpointDirectory)).UseFastFailureDetection());
        return new IsolatedCluster(cluster, () =>
        {
            deleteStorage();
            return Task.CompletedTask;
        });
    }

    private static async Task DeleteRedisKeysAsync(string redisConfiguration, string serviceId)
    {
        try
        {
            await using var redis = await ConnectionMultiplexer.ConnectAsync(redisConfiguration);
            await RedisTestServer.DeleteKeysAsync(redis, serviceId + "*");
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // Best effort: a test's own Redis may already be gone, or answer slowly under the test's short timeouts
            // (a fresh-clone run saw the SCAN time out at 1 s; RedisTimeoutException is a TimeoutException).
        }
    }
}
