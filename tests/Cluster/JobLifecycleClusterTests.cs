using OrleansFlow.Jobs;
using OrleansFlow.Tests.Fixtures;

namespace OrleansFlow.Tests.Cluster;

[Collection(ClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class JobLifecycleClusterTests(FlowClusterFixture fixture)
{
    [Fact]
    public async Task Execute_WhenAMapFunctionThrows_FailsTheJobNamingOperatorMessageAndRecord()
    {
        var job = await fixture.Environment(2).ExecuteJobAsync<ExplodingMapJob>(["37"], cancellationToken: TestTimeouts.JobToken());

        var error = await Assert.ThrowsAsync<JobExecutionException>(() => job.WaitForCompletionAsync(TestTimeouts.JobToken()));

        Assert.Equal("Explode", error.Failure!.OperatorName);
        Assert.Contains("boom at 37", error.Failure.Message, StringComparison.Ordinal);
        Assert.Contains("record", error.Failure.Message, StringComparison.Ordinal);
        Assert.Equal(nameof(InvalidOperationException), error.Failure.ExceptionType);
        Assert.Equal(JobStatus.Failed, (await job.GetStatusAsync()).Status);
    }

    [Fact]
    public async Task Execute_WhenAKeyedReduceThrowsInItsPerKeyGrain_FailsTheJobNamingTheKeyedOperator()
    {
        var job = await fixture.Environment(2).ExecuteJobAsync<ExplodingReduceJob>(cancellationToken: TestTimeouts.JobToken());

        var error = await Assert.ThrowsAsync<JobExecutionException>(() => job.WaitForCompletionAsync(TestTimeouts.JobToken()));

        Assert.Equal("Fragile Sum", error.Failure!.OperatorName);
        Assert.Contains("reduce blew up", error.Failure.Message, StringComparison.Ordinal);
        Assert.Contains("key '7'", error.Failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FastUnboundedSource_AgainstSlowSink_NeverOverflowsAQueueNorLosesARecord()
    {
        var run = Probe.NewRun();
        var job = await fixture.Environment(2).ExecuteJobAsync<FastSourceSlowSinkJob>([run], cancellationToken: TestTimeouts.JobToken());
        var seen = Probe.Of(run);

        // Without flow control the generator (16-record batches, ~100k batches/s) would pass the 16,384-entry queue cap
        // within a second; the sink takes at least 5 ms per batch, so 8,000 records keep the job running for 2.5 s or
        // more. (A count, not a speed: after the other cluster tests the shared cluster is slower.)
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (seen.Count < 8_000 && DateTime.UtcNow < deadline)
        {
            Assert.Equal(JobStatus.Running, (await job.GetStatusAsync()).Status);
            await Task.Delay(100);
        }

        var status = await job.CancelAsync(TestTimeouts.JobToken());
        Assert.Equal(JobStatus.Canceled, status.Status);
        Assert.Null(status.Failure);
        var values = seen.ToArray();
        Assert.True(values.Length >= 8_000, $"The sink received only {values.Length} records in 60 s.");
        foreach (var subtask in new[] { 0L, 1L })
        {
            // Subtask s generates s, s+2, s+4, ...: what arrived must be a gap-free prefix of that, in order.
            var ofSubtask = values.Where(v => v % 2 == subtask).ToArray();
            Assert.Equal(Enumerable.Range(0, ofSubtask.Length).Select(i => subtask + (2L * i)), ofSubtask);
        }
    }

    [Fact]
    public async Task Cancel_WhenJobIsRunning_StopsItsSources()
    {
        var run = Probe.NewRun();
        var job = await fixture.Environment(2).ExecuteJobAsync<EndlessJob>([run], cancellationToken: TestTimeouts.JobToken());
        var seen = Probe.Of(run);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (seen.Count < 100 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        var status = await job.CancelAsync(TestTimeouts.JobToken());

        Assert.Equal(JobStatus.Canceled, status.Status);
        var afterCancel = seen.Count;
        await Task.Delay(500); // the sources run at 2,000 records/s: half a second would add ~1,000 records if they still ran
        Assert.Equal(afterCancel, seen.Count);
        Assert.Equal(JobStatus.Canceled, (await job.WaitForCompletionAsync(TestTimeouts.JobToken())).Status);

        // A cancelled job keeps the counts its tasks had when it was cancelled: at least what the sink recorded.
        var chain = Assert.Single((await job.GetDetailsAsync(TestTimeouts.JobToken())).Vertices);
        Assert.True(chain.RecordsIn >= afterCancel, $"The cancelled job shows {chain.RecordsIn} records read; its sink recorded {afterCancel}.");
    }
}
