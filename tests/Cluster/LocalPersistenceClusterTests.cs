using Microsoft.Extensions.Logging;
using Orleans.TestingHost;
using OrleansFlow.Hosting;
using OrleansFlow.Jobs;
using OrleansFlow.Tests.Fixtures;
using OrleansFlow.Tests.Fixtures.Grains;

namespace OrleansFlow.Tests.Cluster;

[Trait("Category", "Cluster")]
public sealed class LocalPersistenceClusterTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task PersistentState_OnLocalPersistence_SurvivesDeactivationAndASiloRestart()
    {
        var key = "probe-" + Guid.NewGuid().ToString("N");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var checkpoints = Path.Combine(_dir.Path, "checkpoints");

        await using (var cluster = await StartAsync(checkpoints))
        {
            var grain = cluster.Client.GetGrain<IPersistentProbeGrain>(key);
            await grain.WriteAsync("kept", [4, 5], timeout.Token);
            var before = await grain.ReadAsync(timeout.Token);
            await grain.DeactivateAsync(timeout.Token);
            await cluster.WaitForDeactivationAsync(grain);
            var after = await grain.ReadAsync(timeout.Token);

            Assert.NotEqual(before.Activation, after.Activation);
            Assert.Equal("kept", after.Text);
        }

        await using (var restarted = await StartAsync(checkpoints))
        {
            var read = await restarted.Client.GetGrain<IPersistentProbeGrain>(key).ReadAsync(timeout.Token);

            Assert.True(read.RecordExists);
            Assert.Equal("kept", read.Text);
            Assert.Equal([4L, 5], read.Values);
        }

        Assert.Single(Directory.GetFiles(checkpoints));
    }

    [Fact]
    public async Task Deploy_WhenTheCheckpointDirectoryCannotBeCreated_FailsNamingIt()
    {
        var blocker = _dir.File("a-file");
        await File.WriteAllTextAsync(blocker, "not a directory");
        var unusable = Path.Combine(blocker, "checkpoints");

        var error = await Assert.ThrowsAnyAsync<Exception>(() => StartAsync(unusable));

        Assert.Contains(unusable, Messages(error), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LocalEnvironment_CreatesItsCheckpointDirectoryWhenTheSiloStarts()
    {
        var checkpoints = Path.Combine(_dir.Path, "embedded", "checkpoints");
        await using var env = LocalStreamEnvironment.Create(new LocalEnvironmentOptions { Parallelism = 1, CheckpointDirectory = checkpoints });
        env.FromCollection([1, 2, 3]).Collect("out");

        var job = await env.ExecuteAsync("checkpoint directory");
        var status = await job.WaitForCompletionAsync(TestTimeouts.JobToken());

        Assert.Equal(JobStatus.Finished, status.Status);
        Assert.True(Directory.Exists(checkpoints));
    }

    private static Task<InProcessTestCluster> StartAsync(string checkpoints) =>
        FlowTestCluster.DeployAsync(1, silo => silo.UseLocalPersistence(checkpoints), minimumLevel: LogLevel.Critical);

    private static string Messages(Exception error)
    {
        var messages = new List<string>();
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            messages.Add(e.Message);
            if (e is AggregateException aggregate)
            {
                messages.AddRange(aggregate.InnerExceptions.Select(Messages));
            }
        }

        return string.Join(" | ", messages);
    }
}
