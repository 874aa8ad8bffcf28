using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace OrleansFlow.Tests.Fixtures;

/// <summary>
/// A redis-server process of one test, on a free port, without persistence, so the test can make it unavailable
/// (<see cref="Pause"/>: SIGSTOP, the server stops answering but keeps its connections and data) and available again
/// (<see cref="Resume"/>: SIGCONT). Killed on dispose. Needs redis-server on the PATH (./run-tests installs it).
/// </summary>
public sealed class RedisServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TempDirectory _dir;

    private RedisServerProcess(Process process, TempDirectory dir, int port)
    {
        _process = process;
        _dir = dir;
        Port = port;
    }

    public int Port { get; }

    /// <summary>host:port, as Redis providers take it.</summary>
    public string Address => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{Port}");

    public static async Task<RedisServerProcess> StartAsync()
    {
        var dir = new TempDirectory();
        for (var attempt = 0; ; attempt++)
        {
            var port = FreePort();
            var start = new ProcessStartInfo("redis-server")
            {
                ArgumentList = { "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.Path },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            Process process;
            try
            {
                process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                dir.Dispose();
                throw new InvalidOperationException("redis-server is not installed; run the tests with ./run-tests, which installs it.", e);
            }

            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var server = new RedisServerProcess(process, dir, port);
            if (await server.AnswersAsync())
            {
                return server;
            }

            process.Kill();
            await process.WaitForExitAsync();
            if (attempt == 3)
            {
                dir.Dispose();
                throw new InvalidOperationException($"redis-server did not answer on port {port}.");
            }
        }
    }

    /// <summary>Stops the server process (SIGSTOP): commands wait on open connections, new connections hang.</summary>
    public Task PauseAsync() => SignalAsync("-STOP");

    /// <summary>Lets a paused server go on (SIGCONT); it answers what waited.</summary>
    public Task ResumeAsync() => SignalAsync("-CONT");

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await SignalAsync("-CONT");
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        _dir.Dispose();
    }

    private async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", [signal, _process.Id.ToString(CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill {signal} {_process.Id} failed with exit code {kill.ExitCode}.");
        }
    }

    private async Task<bool> AnswersAsync()
    {
        for (var i = 0; i < 100 && !_process.HasExited; i++)
        {
            try
            {
                await using var connection = await ConnectionMultiplexer.ConnectAsync($"{Address},connectTimeout=500");
                await connection.GetDatabase().PingAsync();
                return true;
            }
            catch (RedisConnectionException)
            {
                await Task.Delay(50);
            }
        }

        return false;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
