using OrleansFlow.Jobs;
using OrleansFlow.Tests.Fixtures;
using Xunit.Abstractions;

namespace OrleansFlow.Tests.Cluster.State;

/// <summary>
/// A keyed subtask sends a flush's records to their per-key grains in waves of at most 4,096 calls (so memory does not
/// grow with the keys of one flush); a flush over more keys than a wave still gives every key its records in order.
/// </summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class KeyedFlushClusterTests(FlowClusterFixture fixture, ITestOutputHelper log) : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task OneFlushOverMoreKeysThanAWaveOfCalls_GivesEveryKeyItsRunningSumsInOrder()
    {
        const long Count = 36_000;
        const int Keys = 12_000; // about 6,000 per keyed subtask, all in the one flush at the end of the input
        var output = _dir.File("sums");
        var env = fixture.Environment(2);
        env.Config.BufferTimeout = TimeSpan.FromMinutes(10); // nothing flushes on time: the end of the input flushes everything
        var job = await env.ExecuteJobAsync<CheckpointedSumJob>(
            CheckpointedSumJob.Args(Probe.NewRun(), output, Count, ratePerSubtask: 1e9, sources: 1, keys: Keys), cancellationToken: TestTimeouts.JobToken());

        var status = await job.WaitForCompletionAsync(TestTimeouts.JobToken());
        var context = $"Job {job.JobId}: {status.Status}, {status.LastFailure?.Message}";
        log.WriteLine(context);

        Assert.Equal(JobStatus.Finished, status.Status);
        CheckpointedSumJob.AssertExactOutput(Count, output, context, Keys);
    }
}
