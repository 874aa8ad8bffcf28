using OrleansFlow.Tests.Fixtures;
using OrleansFlow.Windowing;
using static OrleansFlow.Tests.Unit.Windowing.WindowTesting;
using Ev = (string Key, long Value);

namespace OrleansFlow.Tests.Unit.Windowing;

/// <summary>Processing-time windows: elements go by the operator's clock, not their timestamps; watermarks do not matter.</summary>
[Trait("Category", "Unit")]
public sealed class ProcessingTimeWindowTests
{
    [Fact]
    public void TumblingProcessingTime_WhenClockPassesEndMinusOne_FiresByArrivalTime()
    {
        var h = KeyedOperatorHarness.Create((Ev e) => e.Key, k => k.Window(TumblingProcessingTimeWindows.Of(Ms(10))).Sum(e => e.Value));
        h.ProcessingTime(3);
        h.Element(("a", 1), timestamp: 500); // the event timestamp is ignored
        h.Element(("a", 2));

        var byWatermark = h.Watermark(long.MaxValue);
        var early = h.ProcessingTime(8);
        var fired = h.ProcessingTime(9);
        h.ProcessingTime(12);
        h.Element(("a", 4)); // [10, 20)
        var next = h.ProcessingTime(25);

        Assert.Empty(byWatermark);
        Assert.Empty(early);
        Assert.Equal([(("a", 3L), 9L)], fired.Timestamped());
        Assert.Equal([(("a", 4L), 19L)], next.Timestamped());
    }

    [Fact]
    public void TumblingProcessingTime_WhenWindowFired_LeavesNoStateOrTimers()
    {
        var h = KeyedOperatorHarness.Create((Ev e) => e.Key, k => k.Window(TumblingProcessingTimeWindows.Of(Ms(10))).Sum(e => e.Value));
        h.Element(("a", 1));

        h.ProcessingTime(9);
        var later = h.ProcessingTime(1000);

        Assert.Single(h.Output);
        Assert.Empty(later);
        Assert.False(h.HasState("a"));
        Assert.Empty(h.Timers("a"));
    }

    [Fact]
    public void SlidingProcessingTime_WhenElementArrives_IsCountedInEachWindowOfItsArrivalTime()
    {
        var h = KeyedOperatorHarness.Create((Ev e) => e.Key, k => k.Window(SlidingProcessingTimeWindows.Of(Ms(10), Ms(5))).Sum(e => e.Value));
        h.ProcessingTime(7);
        h.Element(("a", 1));

        var fired = h.ProcessingTime(20);

        Assert.Equal([(("a", 1L), 9L), (("a", 1L), 14L)], fired.Timestamped());
    }

    [Fact]
    public void ProcessingTimeSession_WhenElementsArriveWithinGap_MergeIntoOneSession()
    {
        var h = KeyedOperatorHarness.Create((Ev e) => e.Key, k => k.Window(ProcessingTimeSessionWindows.WithGap(Ms(10))).Sum(e => e.Value));
        h.ProcessingTime(0);
        h.Element(("a", 1));
        h.ProcessingTime(8);
        h.Element(("a", 2));

        var early = h.ProcessingTime(9);
        var fired = h.ProcessingTime(17);

        Assert.Empty(early);
        Assert.Equal([(("a", 3L), 17L)], fired.Timestamped());
    }

    [Fact]
    public void AllowedLateness_WhenProcessingTimeWindows_IsRejected()
    {
        var env = new StreamExecutionEnvironment(executor: null);
        var windowed = env.FromCollection(Array.Empty<Ev>()).KeyBy(e => e.Key).Window(TumblingProcessingTimeWindows.Of(Ms(10)));

        Assert.Throws<ArgumentException>(() => windowed.AllowedLateness(Ms(5)));
    }
}
