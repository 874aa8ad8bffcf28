using System.Globalization;
using OrleansFlow.Tests.Fixtures;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace OrleansFlow.Tests.Processes;

/// <summary>
/// Issue 13, item 4 on real processes: two <c>flow silo</c> processes on a Redis of their own run a checkpointed job;
/// the Redis is flushed (as a Redis restarted without persistence comes back). The job fails with one line naming
/// the lost storage (the client exits 1, never showing Running for ever), and <c>flow list</c> says that Redis lists
/// no silo any more instead of only "no silo answered".
/// </summary>
[Trait("Category", "Processes")]
[Collection(ProcessTestsCollection.Name)]
public sealed class RedisFlushProcessTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);
    private readonly string _directory = Directory.CreateTempSubdirectory("flow-flush-").FullName;
    private bool _passed;

    [Fact]
    public async Task RedisFlushed_UnderARunningJob_FailsItNamingTheLostStorageAndListSaysTheMembershipIsGone()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        var input = Path.Combine(_directory, "words.txt");
        await File.WriteAllLinesAsync(input, Enumerable.Range(0, 3000).Select(i => string.Create(CultureInfo.InvariantCulture, $"word{i % 50} other{i % 7}")));
        await using var cluster = await ProcessCluster.CreateAsync(redis.Address, _directory, output);
        try
        {
            await cluster.EnsureSilosAsync(2, Limit);
            // 3,000 lines at 300 a second: 10 s, long enough to flush Redis while it runs.
            var client = cluster.StartClient("run", ["run", "wordcount", "--input", input, "--output", Path.Combine(_directory, "out.txt"), "--rate", "300",
                "--checkpoint-interval", "300ms", "--progress", .. cluster.ClusterArguments]);
            await client.WaitForLineAsync(l => l.Contains("Running", StringComparison.Ordinal) && l.Contains("checkpoint ", StringComparison.Ordinal), "a completed checkpoint", Limit);

            await using (var admin = await ConnectionMultiplexer.ConnectAsync($"{redis.Address},allowAdmin=true"))
            {
                await admin.GetServer(admin.GetEndPoints()[0]).FlushAllDatabasesAsync();
            }

            cluster.Note("flushed Redis");
            using (var wait = new CancellationTokenSource(Limit))
            {
                await client.WaitForExitAsync(wait.Token);
            }

            var lines = string.Join('\n', client.Lines().TakeLast(5));
            Assert.True(client.ExitCode == 1, $"flow run exited with {client.ExitCode}:\n{lines}");
            Assert.Contains(client.Lines(), l => l.StartsWith("error: job failed in operator '(storage)' (subtask 0): cluster storage lost the ", StringComparison.Ordinal));

            var list = cluster.StartClient("list", ["list", "--connect-timeout", "2s", .. cluster.ClusterArguments]);
            using (var wait = new CancellationTokenSource(Limit))
            {
                await list.WaitForExitAsync(wait.Token);
            }

            Assert.NotEqual(0, list.ExitCode);
            var error = Assert.Single(list.Lines(), l => l.StartsWith("error: ", StringComparison.Ordinal));
            Assert.Contains($"has no silo registered for cluster '{cluster.ClusterId}'", error, StringComparison.Ordinal);
            _passed = true;
        }
        catch (Exception e) when (!_passed)
        {
            throw new InvalidOperationException($"{e.Message}\n{cluster.Diagnostics()}", e);
        }
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
