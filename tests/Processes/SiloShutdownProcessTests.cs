using OrleansFlow.Tests.Fixtures;
using Xunit.Abstractions;

namespace OrleansFlow.Tests.Processes;

/// <summary>
/// Issue 13, items 4 and 5 on a real <c>flow silo</c> process with a Redis of its own (no persistence, as the tests
/// run it): the silo warns at start that its Redis would lose everything on a restart; then Redis stops answering
/// (SIGSTOP) and the silo gets SIGTERM: its graceful stop gives up after <c>--shutdown-timeout</c>, one line says so
/// and why, and it exits with code 1 instead of hanging until SIGKILL.
/// </summary>
[Trait("Category", "Processes")]
[Collection(ProcessTestsCollection.Name)]
public sealed class SiloShutdownProcessTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(90);
    private readonly string _directory = Directory.CreateTempSubdirectory("flow-shutdown-").FullName;
    private bool _passed;

    [Fact]
    public async Task Silo_WhenRedisStopsAnsweringBeforeSigterm_GivesUpAfterTheShutdownTimeoutWithOneLineAndExitCode1()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        using var silo = FlowProcess.Start(
            "silo",
            ["silo", "--redis", redis.Address, "--silo-port", $"{FreePorts.Next()}", "--gateway-port", $"{FreePorts.Next()}", "--dashboard-port", "0",
                "--cluster-id", "shutdown", "--service-id", "shutdown-" + Guid.NewGuid().ToString("N")[..8], "--shutdown-timeout", "1s"],
            _directory,
            Path.Combine(_directory, "silo.log"));

        // Printed once the silo has started (the check runs after the host's start).
        var warning = await silo.WaitForLineAsync(l => l.StartsWith("warning: Redis at ", StringComparison.Ordinal), "persistence warning", Limit);
        Assert.Equal(
            $"warning: Redis at {redis.Address} has persistence off (save '', appendonly 'no'): a restart of it loses the cluster's jobs and checkpoints; see 'Redis for production' in docs/operations.md",
            warning);

        await redis.PauseAsync();
        await silo.TerminateAsync();
        using (var wait = new CancellationTokenSource(Limit))
        {
            await silo.WaitForExitAsync(wait.Token);
        }

        Assert.Equal(1, silo.ExitCode);
        var error = Assert.Single(silo.Lines(), l => l.StartsWith("error: ", StringComparison.Ordinal));
        Assert.Equal(
            $"error: the silo did not stop within 1s (--shutdown-timeout): Redis at {redis.Address} did not answer within 2 s; exiting without finishing the graceful stop",
            error);
        _passed = true;
    }

    public void Dispose()
    {
        if (_passed)
        {
            Directory.Delete(_directory, recursive: true);
        }
        else
        {
            output.WriteLine($"logs kept in {_directory}");
        }
    }
}
