using OrleansFlow.Jobs;
using OrleansFlow.Sources;
using OrleansFlow.Tests.Fixtures;
using OrleansFlow.Watermarks;
using OrleansFlow.Windowing;

namespace OrleansFlow.Tests.Cluster;

/// <summary>A job with a watermark strategy at a parallel source, a sliding window with Aggregate and lateness.</summary>
public sealed class SourceWatermarksJob : IStreamJob
{
    public void Build(StreamExecutionEnvironment env, IReadOnlyList<string> args) =>
        env.FromSource(
                new GeneratorSource<(long Ts, string Key)>(i => (i * 10, "k" + (i % 3)), count: 300),
                "Events",
                WatermarkStrategy<(long Ts, string Key)>.ForMonotonousTimestamps().WithTimestampAssigner(e => e.Ts))
            .SetParallelism(2)
            .KeyBy(e => e.Key)
            .Window(SlidingEventTimeWindows.Of(TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(100)))
            .Aggregate(new CountAggregate())
            .Collect("counts");

    private sealed class CountAggregate : Functions.IAggregateFunction<(long Ts, string Key), long, long>
    {
        public long CreateAccumulator() => 0;

        public long Add((long Ts, string Key) value, long accumulator) => accumulator + 1;

        public long GetResult(long accumulator) => accumulator;

        public long Merge(long a, long b) => a + b;
    }
}

[Collection(ClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class EventTimeClusterTests(FlowClusterFixture fixture)
{
    [Fact]
    public async Task FromSourceWithStrategy_OnTwoSourceSubtasks_CountsEveryElementInEachOfItsSlidingWindows()
    {
        var job = await fixture.Environment(2).ExecuteJobAsync<SourceWatermarksJob>(cancellationToken: TestTimeouts.JobToken());
        var status = await job.WaitForCompletionAsync(TestTimeouts.JobToken());

        Assert.Equal(JobStatus.Finished, status.Status);
        var counts = await job.ReadCollectedAsync<long>("counts");
        // 300 elements at 0, 10, ..., 2990 ms; each belongs to 3 sliding windows (size 300, slide 100). The two
        // subtasks' monotonous watermarks are combined by the minimum, so nothing is late: every element counts 3 times.
        Assert.Equal(900, counts.Sum());
        // Windows start at -200 ... 2900 per key: 32 windows for each of the 3 keys.
        Assert.Equal(96, counts.Count);
    }
}
