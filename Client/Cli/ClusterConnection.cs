using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using OrleansFlow.Hosting;

namespace OrleansFlow.Cli;

/// <summary>An Orleans client connected to a Redis-backed OrleansFlow cluster.</summary>
internal sealed class ClusterConnection : IAsyncDisposable
{
    /// <summary>How long connecting may take before the command gives up, unless told otherwise.</summary>
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(10);

    /// <summary>How long asking Redis why no silo answered may take.</summary>
    private static readonly TimeSpan MembershipCheckWait = TimeSpan.FromSeconds(2);

    private readonly IHost _host;

    private ClusterConnection(IHost host) => _host = host;

    public IClusterClient Client => _host.Services.GetRequiredService<IClusterClient>();

    /// <summary>
    /// Connects through the Redis at <paramref name="redis"/> (host:port) that holds the membership of the silos with
    /// <paramref name="clusterId"/> and <paramref name="serviceId"/>.
    /// </summary>
    public static async Task<ClusterConnection> ConnectAsync(string redis, string clusterId, string serviceId, CancellationToken cancellationToken, TimeSpan? connectTimeout = null)
    {
        if (!redis.Contains(':', StringComparison.Ordinal))
        {
            throw new UsageException($"--cluster expects the cluster's Redis as host:port, got '{redis}'");
        }

        try
        {
            return await StartAsync(client => client.UseRedisClustering(redis), clusterId, serviceId, $"through Redis at {redis}", connectTimeout ?? DefaultConnectTimeout, cancellationToken);
        }
        catch (ClusterUnavailableException e)
        {
            var why = await Silo.RedisServerCheck.DescribeMembershipAsync(redis, serviceId, clusterId, MembershipCheckWait);
            throw why is null ? e : new ClusterUnavailableException($"{e.Message}; {why}", e);
        }
    }

    /// <summary>Connects to the single local silo (<c>flow silo</c> without --redis) whose gateway is <paramref name="gatewayPort"/>.</summary>
    public static Task<ClusterConnection> ConnectLocalAsync(int gatewayPort, string clusterId, string serviceId, CancellationToken cancellationToken, TimeSpan? connectTimeout = null) =>
        StartAsync(client => client.UseLocalhostClustering(gatewayPort, serviceId, clusterId), clusterId, serviceId,
            $"at localhost:{gatewayPort} (start one with 'flow silo', or name a cluster's Redis with --cluster HOST:PORT)", connectTimeout ?? DefaultConnectTimeout, cancellationToken);

    private static async Task<ClusterConnection> StartAsync(
        Action<IClientBuilder> clustering, string clusterId, string serviceId, string where, TimeSpan connectTimeoutAfter, CancellationToken cancellationToken)
    {
        var host = new HostBuilder()
            .ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Critical))
            .UseOrleansClient(client =>
            {
                clustering(client);
                client.AddOrleansFlowClient();
                client.Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = clusterId;
                    o.ServiceId = serviceId;
                });
            })
            .Build();
        // The Orleans client keeps retrying an unreachable gateway for minutes; a command line should say so sooner.
        using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        connectTimeout.CancelAfter(connectTimeoutAfter);
        try
        {
            await host.StartAsync(connectTimeout.Token);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            host.Dispose();
            throw new ClusterUnavailableException($"cannot reach an OrleansFlow cluster {where}: no silo answered within {connectTimeoutAfter.TotalSeconds:0.#} s", e);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            host.Dispose();
            throw new ClusterUnavailableException($"cannot reach an OrleansFlow cluster {where}: {e.Message}", e);
        }

        return new ClusterConnection(host);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}

/// <summary>No cluster could be reached.</summary>
internal sealed class ClusterUnavailableException(string message, Exception inner) : Exception(message, inner);
