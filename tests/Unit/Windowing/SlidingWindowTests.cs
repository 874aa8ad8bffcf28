using OrleansFlow.Functions;
using OrleansFlow.Tests.Fixtures;
using OrleansFlow.Windowing;
using static OrleansFlow.Tests.Unit.Windowing.WindowTesting;
using Ev = (string Key, long Value);

namespace OrleansFlow.Tests.Unit.Windowing;

/// <summary>
/// Sliding event-time windows of 10 ms every 5 ms summing Value. As in Flink, an element belongs to size/slide
/// windows, each window fires on its own, and an element goes to the late side output only when it is late for
/// every window it belongs to.
/// </summary>
[Trait("Category", "Unit")]
public sealed class SlidingWindowTests
{
    private static readonly OutputTag<Ev> Late = new("late");

    [Fact]
    public void Element_WhenWindowsOverlap_IsCountedInEachOfItsWindows()
    {
        var h = Harness();
        h.Element(("a", 1), 7); // in [0, 10) and [5, 15)

        var first = h.Watermark(9);
        var second = h.Watermark(14);

        Assert.Equal([(("a", 1L), 9L)], first.Timestamped());
        Assert.Equal([(("a", 1L), 14L)], second.Timestamped());
    }

    [Fact]
    public void Watermark_WhenSeveralWindowsEnd_EmitsOneResultPerWindowInEndOrder()
    {
        var h = Harness();
        h.Element(("a", 1), 1);
        h.Element(("a", 10), 6);
        h.Element(("a", 100), 12);

        var fired = h.Watermark(100);

        // [-5, 5) = 1, [0, 10) = 1 + 10, [5, 15) = 10 + 100, [10, 20) = 100
        Assert.Equal([(("a", 1L), 4L), (("a", 11L), 9L), (("a", 110L), 14L), (("a", 100L), 19L)], fired.Timestamped());
    }

    [Fact]
    public void Element_WhenLateForSomeWindowsOnly_UpdatesTheOthersAndIsNotSideOutput()
    {
        var h = Harness();
        h.Element(("a", 1), 3); // [-5, 5) and [0, 10)
        var firstWindow = h.Watermark(5);

        var partiallyLate = h.Element(("a", 10), 4); // [-5, 5) is late now, [0, 10) is not
        var secondWindow = h.Watermark(9);

        Assert.Equal([(("a", 1L), 4L)], firstWindow.Timestamped());
        Assert.Empty(partiallyLate);
        Assert.Equal([(("a", 11L), 9L)], secondWindow.Timestamped());
        Assert.Empty(h.SideOutput(Late));
        Assert.Equal(0, DroppedLateRecords(h.Operator));
    }

    [Fact]
    public void Element_WhenLateForEveryWindow_GoesToSideOutput()
    {
        var h = Harness();
        h.Element(("a", 1), 3);
        h.Watermark(9);

        var late = h.Element(("a", 10), 2); // [-5, 5) and [0, 10) have both fired and been cleaned up

        Assert.Empty(late);
        Assert.Equal([(("a", 10L), 2L)], h.SideOutput(Late));
    }

    [Fact]
    public void Element_WhenLateWithinLatenessForOneWindowAndBeyondForTheOther_RefiresOnlyTheKeptWindow()
    {
        var h = Harness(lateness: 3);
        h.Element(("a", 1), 3);
        var fired = h.Watermark(9); // [-5, 5) fired at 4, cleaned up at 7; [0, 10) fired at 9, kept until 12

        var late = h.Element(("a", 10), 4);

        Assert.Equal([(("a", 1L), 4L), (("a", 1L), 9L)], fired.Timestamped());
        Assert.Equal([(("a", 11L), 9L)], late.Timestamped());
        Assert.Empty(h.SideOutput(Late));
    }

    [Fact]
    public void Watermark_WhenAllWindowsWereCleanedUp_LeavesNoState()
    {
        var h = Harness();
        h.Element(("a", 1), 7);

        h.Watermark(14);
        var later = h.Watermark(1000);

        Assert.Equal(2, h.Output.Count);
        Assert.Empty(later);
        Assert.False(h.HasState("a"));
        Assert.Empty(h.Timers("a"));
    }

    private static KeyedOperatorHarness<string, Ev, Ev> Harness(long lateness = 0) =>
        KeyedOperatorHarness.Create((Ev e) => e.Key, k => k
            .Window(SlidingEventTimeWindows.Of(Ms(10), Ms(5)))
            .AllowedLateness(Ms(lateness))
            .SideOutputLateData(Late)
            .Sum(e => e.Value));
}
