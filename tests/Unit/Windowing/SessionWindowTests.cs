using OrleansFlow.Functions;
using OrleansFlow.Tests.Fixtures;
using OrleansFlow.Windowing;
using static OrleansFlow.Tests.Unit.Windowing.WindowTesting;
using Ev = (string Key, long Value);

namespace OrleansFlow.Tests.Unit.Windowing;

/// <summary>
/// Event-time session windows with a 10 ms gap summing Value. As in Flink, an element opens [t, t + gap), and
/// windows that overlap or touch (TimeWindow.intersects: start ≤ other.end and end ≥ other.start) merge.
/// </summary>
[Trait("Category", "Unit")]
public sealed class SessionWindowTests
{
    private static readonly OutputTag<Ev> Late = new("late");

    [Fact]
    public void Element_WhenWithinGapOfPreviousElement_ExtendsTheSession()
    {
        var h = Harness();
        h.Element(("a", 1), 0);
        h.Element(("a", 2), 5);
        h.Element(("a", 4), 14); // [0, 15) and [14, 24) overlap

        var early = h.Watermark(22);
        var fired = h.Watermark(23);

        Assert.Empty(early);
        Assert.Equal([(("a", 7L), 23L)], fired.Timestamped());
    }

    [Fact]
    public void Element_WhenMoreThanGapAfterPreviousElement_StartsANewSession()
    {
        var h = Harness();
        h.Element(("a", 1), 0);
        h.Element(("a", 2), 11); // [0, 10) and [11, 21) neither overlap nor touch

        var first = h.Watermark(9);
        var second = h.Watermark(20);

        Assert.Equal([(("a", 1L), 9L)], first.Timestamped());
        Assert.Equal([(("a", 2L), 20L)], second.Timestamped());
    }

    [Fact]
    public void Element_WhenItsWindowTouchesAnother_MergesThem()
    {
        var h = Harness();
        h.Element(("a", 1), 0);
        h.Element(("a", 2), 10); // [0, 10) and [10, 20) touch

        var atFirstEnd = h.Watermark(9);
        var fired = h.Watermark(19);

        Assert.Empty(atFirstEnd);
        Assert.Equal([(("a", 3L), 19L)], fired.Timestamped());
    }

    [Fact]
    public void Element_WhenArrivingOutOfOrder_MergesWithLaterSession()
    {
        var h = Harness();
        h.Element(("a", 1), 20);
        h.Element(("a", 2), 12); // [12, 22) overlaps [20, 30)

        var fired = h.Watermark(29);

        Assert.Equal([(("a", 3L), 29L)], fired.Timestamped());
    }

    [Fact]
    public void Element_WhenLateWithinLatenessAndBridgingTwoFiredSessions_MergesThemIntoOneResult()
    {
        var h = Harness(lateness: 100);
        h.Element(("a", 1), 0);  // [0, 10)
        h.Element(("a", 2), 15); // [15, 25)
        var onTime = h.Watermark(30);

        var bridge = h.Element(("a", 4), 8); // [8, 18) overlaps both: one session [0, 25)

        Assert.Equal([(("a", 1L), 9L), (("a", 2L), 24L)], onTime.Timestamped());
        Assert.Equal([(("a", 7L), 24L)], bridge.Timestamped());
        Assert.Empty(h.SideOutput(Late));
    }

    [Fact]
    public void Watermark_WhenMergedSessionIsCleanedUp_DoesNotFireAgainAndLeavesNoState()
    {
        var h = Harness(lateness: 100);
        h.Element(("a", 1), 0);
        h.Element(("a", 2), 15);
        h.Watermark(30);
        h.Element(("a", 4), 8);

        var beforeCleanup = h.Watermark(123);
        var atCleanup = h.Watermark(124); // merged [0, 25): 24 + 100
        var later = h.Watermark(1000);

        Assert.Empty(beforeCleanup);
        Assert.Empty(atCleanup);
        Assert.Empty(later);
        Assert.Equal(3, h.Output.Count);
        Assert.False(h.HasState("a"));
        Assert.Empty(h.Timers("a"));
    }

    [Fact]
    public void Element_WhenItsSessionIsLate_GoesToSideOutput()
    {
        var h = Harness();
        h.Element(("a", 1), 0);
        h.Watermark(20);

        var late = h.Element(("a", 2), 5); // [5, 15) ends before the watermark

        Assert.Empty(late);
        Assert.Equal([(("a", 2L), 5L)], h.SideOutput(Late));
    }

    [Fact]
    public void Element_WhenBehindWatermarkButItsNewSessionIsNot_OpensANewSessionWithoutTheFiredOne()
    {
        var h = Harness();
        h.Element(("a", 1), 0);
        var first = h.Watermark(9); // [0, 10) fires and is cleaned up

        var behind = h.Element(("a", 2), 5); // [5, 15) is not late, and [0, 10) is gone
        var second = h.Watermark(14);

        Assert.Equal([(("a", 1L), 9L)], first.Timestamped());
        Assert.Empty(behind);
        Assert.Equal([(("a", 2L), 14L)], second.Timestamped());
        Assert.Empty(h.SideOutput(Late));
    }

    [Fact]
    public void Process_WhenSessionsMerge_SeesTheMergedWindowAndAllElements()
    {
        var h = KeyedOperatorHarness.Create((Ev e) => e.Key, k => k.Window(EventTimeSessionWindows.WithGap(Ms(10))).Process(new DescribeWindow<Ev>()));
        h.Element(("a", 0), 3);
        h.Element(("a", 0), 20);
        h.Element(("a", 0), 11); // joins [3, 13) and [20, 30)

        var fired = h.Watermark(100);

        Assert.Equal([("a [3,30) n=3 wm=100", 29L)], fired.Timestamped());
    }

    [Fact]
    public void Element_WhenCountTriggerAndSessionsMerge_AddsTheMergedCounts()
    {
        var h = KeyedOperatorHarness.Create((Ev e) => e.Key, k => k
            .Window(EventTimeSessionWindows.WithGap(Ms(10)))
            .Trigger(CountTrigger<TimeWindow>.Of(3))
            .Sum(e => e.Value));
        h.Element(("a", 1), 0);
        h.Element(("a", 2), 20);

        var merged = h.Element(("a", 4), 10); // [0, 10), [10, 20) and [20, 30) touch: counts 1 + 1 + 1

        Assert.Equal([(("a", 7L), 29L)], merged.Timestamped());
    }

    [Fact]
    public void Watermark_WhenKeysHaveSeparateSessions_FiresEachKeysSession()
    {
        var h = Harness();
        h.Element(("a", 1), 0);
        h.Element(("b", 2), 5);
        h.Element(("a", 4), 8);

        var fired = h.Watermark(100);

        Assert.Equal([("a", ("a", 5L), 17L), ("b", ("b", 2L), 14L)], fired);
    }

    [Fact]
    public void Trigger_WhenTriggerCannotMerge_IsRejectedForSessionWindows()
    {
        var env = new StreamExecutionEnvironment(executor: null);
        var windowed = env.FromCollection(Array.Empty<Ev>()).KeyBy(e => e.Key).Window(EventTimeSessionWindows.WithGap(Ms(10)));

        Assert.Throws<ArgumentException>(() => windowed.Trigger(new TriggerTests.EveryOtherElementTrigger()));
    }

    private static KeyedOperatorHarness<string, Ev, Ev> Harness(long lateness = 0) =>
        KeyedOperatorHarness.Create((Ev e) => e.Key, k => k
            .Window(EventTimeSessionWindows.WithGap(Ms(10)))
            .AllowedLateness(Ms(lateness))
            .SideOutputLateData(Late)
            .Sum(e => e.Value));
}
