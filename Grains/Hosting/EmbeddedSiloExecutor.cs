using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using OrleansFlow.Jobs;

namespace OrleansFlow.Hosting;

/// <summary>Starts a single silo in this process on first use and hands out its co-hosted client.</summary>
internal sealed class EmbeddedSiloExecutor(LocalEnvironmentOptions options) : IJobExecutor
{
    private readonly SemaphoreSlim _startLock = new(1, 1);
    private IHost? _host;

    public bool SharesProcessWithSilos => true;

    public async ValueTask<IClusterClient> GetClientAsync(CancellationToken cancellationToken)
    {
        if (_host is null)
        {
            await _startLock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                _host ??= await StartSiloAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _startLock.Release();
            }
        }

        return _host.Services.GetRequiredService<IClusterClient>();
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync().ConfigureAwait(false);
            _host.Dispose();
            _host = null;
        }

        _startLock.Dispose();
    }

    private async Task<IHost> StartSiloAsync(CancellationToken cancellationToken)
    {
        var host = new HostBuilder()
            .ConfigureLogging(logging => logging
                .ApplyLevels(options)
                .AddSimpleConsole(c => c.SingleLine = true)
                .Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(c => c.LogToStandardErrorThreshold = LogLevel.Trace))
            .UseOrleans(silo => silo
                .UseLocalhostClustering(siloPort: FreePort(), gatewayPort: FreePort(), serviceId: "orleansflow-local", clusterId: "local-" + Guid.NewGuid().ToString("N")[..8])
                .Configure<EndpointOptions>(e => e.GatewayPort = 0)
                .AddOrleansFlow(channels => channels.InProcess = true)
                .UseLocalPersistence(options.CheckpointDirectory))
            .Build();
        await host.StartAsync(cancellationToken).ConfigureAwait(false);
        return host;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
