using OrleansFlow.Functions;
using OrleansFlow.Tests.Fixtures;
using OrleansFlow.Windowing;
using static OrleansFlow.Tests.Unit.Windowing.WindowTesting;
using Ev = (string Key, long Value);

namespace OrleansFlow.Tests.Unit.Windowing;

/// <summary>Window functions: Aggregate, Process with window metadata, Reduce combined with a process function, Min/Max.</summary>
[Trait("Category", "Unit")]
public sealed class WindowFunctionTests
{
    [Fact]
    public void Aggregate_WhenWindowFires_EmitsTheAccumulatorsResult()
    {
        var h = KeyedOperatorHarness.Create((Ev e) => e.Key, k => k.Window(TumblingEventTimeWindows.Of(Ms(10))).Aggregate(new Average()));
        h.Element(("a", 1), 1);
        h.Element(("a", 2), 2);
        h.Element(("a", 6), 3);
        h.Element(("a", 100), 10);

        var fired = h.Watermark(19);

        Assert.Equal([(3.0, 9L), (100.0, 19L)], fired.Timestamped());
    }

    [Fact]
    public void Aggregate_WhenSlidingWindowsShareElements_KeepsOneAccumulatorPerWindow()
    {
        var h = KeyedOperatorHarness.Create((Ev e) => e.Key, k => k.Window(SlidingEventTimeWindows.Of(Ms(10), Ms(5))).Aggregate(new Average()));
        h.Element(("a", 2), 3);
        h.Element(("a", 4), 7);

        var fired = h.Watermark(14);

        // [-5, 5) = {2}, [0, 10) = {2, 4}, [5, 15) = {4}
        Assert.Equal([2.0, 3.0, 4.0], fired.Values());
    }

    [Fact]
    public void Aggregate_WhenSessionsMerge_MergesAccumulators()
    {
        var h = KeyedOperatorHarness.Create((Ev e) => e.Key, k => k.Window(EventTimeSessionWindows.WithGap(Ms(10))).Aggregate(new Average()));
        h.Element(("a", 1), 0);
        h.Element(("a", 5), 20);
        h.Element(("a", 3), 12); // [12, 22) joins [20, 30) but not [0, 10)

        var fired = h.Watermark(100);

        Assert.Equal([(1.0, 9L), (4.0, 29L)], fired.Timestamped());
    }

    [Fact]
    public void Process_WhenWindowFires_SeesKeyWindowBoundsElementsAndWatermark()
    {
        var h = KeyedOperatorHarness.Create((Ev e) => e.Key, k => k.Window(TumblingEventTimeWindows.Of(Ms(10))).Process(new DescribeWindow<Ev>()));
        h.Element(("a", 0), 10);
        h.Element(("a", 0), 19);
        h.Element(("b", 0), 15);

        var fired = h.Watermark(25);

        Assert.Equal([("a", "a [10,20) n=2 wm=25", 19L), ("b", "b [10,20) n=1 wm=25", 19L)], fired);
    }

    [Fact]
    public void Process_WhenEmittingToASideOutput_StampsWindowMaxTimestamp()
    {
        var tag = new OutputTag<string>("bounds");
        var h = KeyedOperatorHarness.Create((Ev e) => e.Key, k => k.Window(TumblingEventTimeWindows.Of(Ms(10))).Process(new BoundsToSideOutput(tag)));
        h.Element(("a", 1), 4);

        var fired = h.Watermark(9);

        Assert.Equal([(1L, 9L)], fired.Timestamped());
        Assert.Equal([("[0,10)", 9L)], h.SideOutput(tag));
    }

    [Fact]
    public void Reduce_WhenCombinedWithProcessFunction_HandsTheSingleReducedValueWithWindowMetadata()
    {
        var h = KeyedOperatorHarness.Create((Ev e) => e.Key, k => k
            .Window(TumblingEventTimeWindows.Of(Ms(10)))
            .Reduce((a, b) => a.Value >= b.Value ? a : b, new LabelWithWindow()));
        h.Element(("a", 3), 1);
        h.Element(("a", 8), 2);
        h.Element(("a", 5), 3);
        h.Element(("a", 1), 12);

        var fired = h.Watermark(19);

        Assert.Equal([("a: max 8 of 1 value(s) in [0,10)", 9L), ("a: max 1 of 1 value(s) in [10,20)", 19L)], fired.Timestamped());
    }

    [Fact]
    public void Reduce_WhenWindowFires_EmitsTheReducedValue()
    {
        var h = KeyedOperatorHarness.Create((Ev e) => e.Key, k => k.Window(TumblingEventTimeWindows.Of(Ms(10))).Reduce((a, b) => (a.Key, a.Value * b.Value)));
        h.Element(("a", 2), 1);
        h.Element(("a", 3), 2);
        h.Element(("a", 7), 3);

        Assert.Equal([("a", 42L)], h.Watermark(9).Values());
    }

    [Fact]
    public void Aggregate_WhenCombinedWithProcessFunction_HandsTheResultWithWindowMetadata()
    {
        var h = KeyedOperatorHarness.Create((Ev e) => e.Key, k => k
            .Window(TumblingEventTimeWindows.Of(Ms(10)))
            .Aggregate(new Average(), new AverageWithWindow()));
        h.Element(("a", 2), -5);
        h.Element(("a", 4), -1);

        Assert.Equal([("a avg 3 in [-10,0)", -1L)], h.Watermark(0).Timestamped());
    }

    [Fact]
    public void MinMax_WhenWindowFires_EmitTheExtremeValues()
    {
        var min = KeyedOperatorHarness.Create((Ev e) => e.Key, k => k.Window(TumblingEventTimeWindows.Of(Ms(10))).Min(e => e.Value));
        var max = KeyedOperatorHarness.Create((Ev e) => e.Key, k => k.Window(TumblingEventTimeWindows.Of(Ms(10))).Max(e => e.Value));
        foreach (var (value, ts) in new[] { (5L, 1L), (-2L, 2L), (9L, 3L) })
        {
            min.Element(("a", value), ts);
            max.Element(("a", value), ts);
        }

        Assert.Equal([("a", -2L)], min.Watermark(9).Values());
        Assert.Equal([("a", 9L)], max.Watermark(9).Values());
    }

    /// <summary>Average of Value with a (sum, count) accumulator.</summary>
    private sealed class Average : IAggregateFunction<Ev, (long Sum, long Count), double>
    {
        public (long Sum, long Count) CreateAccumulator() => (0, 0);

        public (long Sum, long Count) Add(Ev value, (long Sum, long Count) accumulator) => (accumulator.Sum + value.Value, accumulator.Count + 1);

        public double GetResult((long Sum, long Count) accumulator) => (double)accumulator.Sum / accumulator.Count;

        public (long Sum, long Count) Merge((long Sum, long Count) a, (long Sum, long Count) b) => (a.Sum + b.Sum, a.Count + b.Count);
    }

    private sealed class LabelWithWindow : ProcessWindowFunction<Ev, string, string, TimeWindow>
    {
        public override void Process(string key, Context context, IEnumerable<Ev> elements, ICollector<string> output)
        {
            var values = elements.ToList();
            output.Collect($"{key}: max {values[0].Value} of {values.Count} value(s) in [{context.Window.Start},{context.Window.End})");
        }
    }

    private sealed class AverageWithWindow : ProcessWindowFunction<double, string, string, TimeWindow>
    {
        public override void Process(string key, Context context, IEnumerable<double> elements, ICollector<string> output) =>
            output.Collect($"{key} avg {elements.Single()} in [{context.Window.Start},{context.Window.End})");
    }

    private sealed class BoundsToSideOutput(OutputTag<string> tag) : ProcessWindowFunction<Ev, long, string, TimeWindow>
    {
        public override void Process(string key, Context context, IEnumerable<Ev> elements, ICollector<long> output)
        {
            context.Output(tag, $"[{context.Window.Start},{context.Window.End})");
            output.Collect(elements.Count());
        }
    }
}
