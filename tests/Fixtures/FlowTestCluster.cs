using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.TestingHost;
using OrleansFlow.Configuration;
using OrleansFlow.Hosting;

namespace OrleansFlow.Tests.Fixtures;

/// <summary>
/// The one way the tests build in-process clusters: every silo runs the OrleansFlow runtime plus what the test adds
/// (persistence, membership, scaling); hosts log warnings and above (and, when <c>ORLEANSFLOW_TEST_LOG</c> is set,
/// information to that file: <see cref="TestLogFile"/>); a cluster that fails to deploy is disposed before the error
/// reaches the test. The extensions name the silo settings several tests share.
/// </summary>
public static class FlowTestCluster
{
    /// <summary>Builds and deploys <paramref name="silos"/> silos, each configured by <paramref name="configureSilo"/> after <c>AddOrleansFlow()</c>.</summary>
    /// <param name="serviceId">The cluster's service and cluster id; Redis providers prefix their keys with them.</param>
    /// <param name="minimumLevel">The hosts' log level, for a test that provokes errors it does not want printed.</param>
    /// <param name="configureChannels">Changes to the channel settings of <c>AddOrleansFlow</c>.</param>
    public static async Task<InProcessTestCluster> DeployAsync(
        int silos, Action<ISiloBuilder> configureSilo, string? serviceId = null, LogLevel minimumLevel = LogLevel.Warning, Action<ChannelOptions>? configureChannels = null)
    {
        var builder = new InProcessTestClusterBuilder((short)silos);
        if (serviceId is not null)
        {
            builder.Options.ServiceId = serviceId;
            builder.Options.ClusterId = serviceId; // the Redis grain directory's keys start with it: cleaned up with the rest
        }

        builder.ConfigureSilo((_, silo) => configureSilo(silo.AddOrleansFlow(configureChannels)));
        builder.ConfigureHost(host =>
        {
            // The validator warns about reminder periods under a minute, which the Redis clusters lower on purpose.
            host.Logging.SetMinimumLevel(minimumLevel).AddFilter("Orleans.Hosting.ReminderOptionsValidator", LogLevel.Error);
            TestLogFile.AddTo(host.Logging);
        });
        var cluster = builder.Build();
        try
        {
            await cluster.DeployAsync();
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }

        return cluster;
    }

    /// <summary>The membership settings of <c>flow silo</c>: a killed silo is declared dead in about a second.</summary>
    public static ISiloBuilder UseFastFailureDetection(this ISiloBuilder silo) =>
        silo.Configure<ClusterMembershipOptions>(m =>
        {
            m.ProbeTimeout = TimeSpan.FromSeconds(1);
            m.NumMissedProbesLimit = 2;
            m.NumVotesForDeathDeclaration = 1;
            m.TableRefreshTimeout = TimeSpan.FromSeconds(2);
        });

    /// <summary>
    /// Checkpoint storage and reminders in Redis, wired as a Redis-clustered silo is
    /// (<see cref="PersistenceSiloBuilderExtensions.UseRedisPersistence"/>), with reminders allowed to tick every
    /// second (production keeps Orleans' one-minute minimum).
    /// </summary>
    public static ISiloBuilder UseTestRedisPersistence(this ISiloBuilder silo, string redisConfiguration) =>
        silo.UseRedisPersistence(redisConfiguration)
            .Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));

    /// <summary>An environment submitting to <paramref name="cluster"/> with a default parallelism.</summary>
    public static StreamExecutionEnvironment Environment(this InProcessTestCluster cluster, int parallelism) =>
        StreamExecutionEnvironment.ForCluster(cluster.Client).SetParallelism(parallelism);
}
