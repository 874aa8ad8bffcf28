using Microsoft.Extensions.Time.Testing;
using OrleansFlow.Execution;
using OrleansFlow.Functions;
using OrleansFlow.Jobs;
using OrleansFlow.Messages;
using OrleansFlow.Watermarks;

namespace OrleansFlow.Tests.Unit.Execution;

[Trait("Category", "Unit")]
public sealed class EventTimeChainTests
{
    [Fact]
    public void ChannelOutput_PlacesTheLatestWatermarkBeforeATargetsNextRecordAndAtDrain()
    {
        var context = new ChainContext();
        var output = new ChannelOutput<int>(new ChannelOutputSpec(PartitionKind.Rebalance, 2, 128, 0, null, context));

        context.Timestamp = 100;
        output.Collect(1);                 // to target 0
        output.OnWatermark(50);
        output.OnWatermark(99);            // coalesced with 50
        context.Timestamp = 120;
        output.Collect(2);                 // to target 1: preceded by watermark 99

        var zero = Assert.Single(output.Drain(0, 10));
        var one = Assert.Single(output.Drain(1, 10));

        Assert.Equal([1], (int[])zero.Records!);
        Assert.Equal([100L], zero.Timestamps!);
        Assert.Equal([new ChannelMarker(1, MarkerKind.Watermark, 99)], zero.Markers!);   // after its record, at drain
        Assert.Equal([2], (int[])one.Records!);
        Assert.Equal([120L], one.Timestamps!);
        Assert.Equal([new ChannelMarker(0, MarkerKind.Watermark, 99)], one.Markers!);    // before its record
        Assert.Empty(output.Drain(0, 10));
    }

    [Fact]
    public void Assigner_EmitsEachRecordWithItsTimestampThenThePerEventWatermark()
    {
        var context = new ChainContext();
        var sink = new RecordingElement();
        var strategy = WatermarkStrategy<(long Ts, string V)>.ForGenerator(() => new PerEventBoundedOutOfOrdernessWatermarks<(long Ts, string V)>(TimeSpan.FromMilliseconds(10)))
            .WithTimestampAssigner(e => e.Ts);
        var assigner = new TimestampsAndWatermarksOperator<(long Ts, string V)>("assign", strategy, sink.For<(long Ts, string V)>(context), context);

        assigner.Collect((100, "a"));
        assigner.Collect((95, "b"));     // out of order: the watermark does not move back
        assigner.Collect((130, "c"));

        Assert.Equal(["a@100", "wm 89", "b@95", "c@130", "wm 119"], sink.Events);
    }

    [Fact]
    public void Assigner_WithIdleness_MarksIdleAfterTheTimeoutAndActiveWithTheNextRecord()
    {
        var time = new FakeTimeProvider();
        var context = new ChainContext { Time = time };
        var sink = new RecordingElement();
        var strategy = WatermarkStrategy<long>.ForBoundedOutOfOrderness(TimeSpan.Zero).WithTimestampAssigner(x => x).WithIdleness(TimeSpan.FromSeconds(5));
        var assigner = new TimestampsAndWatermarksOperator<long>("assign", strategy, sink.For<long>(context), context);

        assigner.Collect(10);
        time.Advance(TimeSpan.FromSeconds(4));
        assigner.EmitPeriodic();
        time.Advance(TimeSpan.FromSeconds(2));
        assigner.EmitPeriodic();
        assigner.Collect(20);
        assigner.EmitPeriodic();

        Assert.Equal(["10@10", "wm 9", "idle", "active", "20@20", "wm 19"], sink.Events);
    }

    private sealed class RecordingElement : IChainElement
    {
        public List<string> Events { get; } = [];

        public ICollector<T> For<T>(ChainContext context) => new Collector<T>(this, context);

        public void OnWatermark(long watermark) => Events.Add($"wm {watermark}");

        public void OnIdleChanged(bool idle) => Events.Add(idle ? "idle" : "active");

        private sealed class Collector<T>(RecordingElement owner, ChainContext context) : ICollector<T>, IChainElement
        {
            public void Collect(T record) => owner.Events.Add($"{(record is ValueTuple<long, string> t ? t.Item2 : record?.ToString())}@{context.Timestamp}");

            public void OnWatermark(long watermark) => owner.OnWatermark(watermark);

            public void OnIdleChanged(bool idle) => owner.OnIdleChanged(idle);
        }
    }
}
