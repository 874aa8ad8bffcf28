using OrleansFlow.Execution;
using OrleansFlow.Functions;
using OrleansFlow.Keyed;
using OrleansFlow.State;
using OrleansFlow.Tests.Fixtures;
using OrleansFlow.Windowing;
using static OrleansFlow.Tests.Unit.Windowing.WindowTesting;
using Ev = (string Key, long Value);

namespace OrleansFlow.Tests.Unit.Windowing;

/// <summary>
/// Tumbling event-time windows of 10 ms summing Value per key. Expected values follow Flink's rules: windows are
/// [start, end); a window fires when the watermark reaches end − 1; an element is late when its window's cleanup
/// time (end − 1 + allowed lateness) is at or before the watermark; results carry the timestamp end − 1.
/// </summary>
[Trait("Category", "Unit")]
public sealed class TumblingWindowTests
{
    private static readonly OutputTag<Ev> Late = new("late");

    [Fact]
    public void Element_WhenTimestampIsEndMinusOne_BelongsToTheWindow()
    {
        var h = Harness();
        h.Element(("a", 1), 0);
        h.Element(("a", 2), 9);

        var fired = h.Watermark(9);

        Assert.Equal([(("a", 3L), 9L)], fired.Timestamped());
    }

    [Fact]
    public void Element_WhenTimestampEqualsEnd_BelongsToTheNextWindow()
    {
        var h = Harness();
        h.Element(("a", 1), 9);
        h.Element(("a", 2), 10);

        var first = h.Watermark(9);
        var second = h.Watermark(19);

        Assert.Equal([(("a", 1L), 9L)], first.Timestamped());
        Assert.Equal([(("a", 2L), 19L)], second.Timestamped());
    }

    [Fact]
    public void Watermark_WhenBelowEndMinusOne_DoesNotFire()
    {
        var h = Harness();
        h.Element(("a", 1), 5);

        var early = h.Watermark(8);
        var atEnd = h.Watermark(9);

        Assert.Empty(early);
        Assert.Equal([("a", 1L)], atEnd.Values());
    }

    [Fact]
    public void Watermark_WhenPassingSeveralWindows_FiresEachOnceInTimeOrder()
    {
        var h = Harness();
        h.Element(("a", 25), 25);
        h.Element(("a", 5), 5);
        h.Element(("a", 15), 15);

        var fired = h.Watermark(100);
        var again = h.Watermark(200);

        Assert.Equal([(("a", 5L), 9L), (("a", 15L), 19L), (("a", 25L), 29L)], fired.Timestamped());
        Assert.Empty(again);
    }

    [Fact]
    public void Element_WhenOutOfOrderButItsWindowHasNotFired_IsCounted()
    {
        var h = Harness();
        h.Element(("a", 1), 7);
        h.Element(("a", 2), 2);
        h.Watermark(5);
        h.Element(("a", 4), 1); // behind the watermark, but [0, 10) only fires at 9

        var fired = h.Watermark(9);

        Assert.Equal([("a", 7L)], fired.Values());
        Assert.Empty(h.SideOutput(Late));
    }

    [Fact]
    public void Element_WhenOutOfOrderAcrossWindows_GoesToItsOwnWindow()
    {
        var h = Harness();
        h.Element(("a", 100), 12);
        h.Element(("a", 1), 3);
        h.Watermark(5);
        h.Element(("a", 10), 4);

        var first = h.Watermark(9);
        var second = h.Watermark(19);

        Assert.Equal([("a", 11L)], first.Values());
        Assert.Equal([("a", 100L)], second.Values());
    }

    [Fact]
    public void Watermark_WhenSeveralKeysHaveWindows_EmitsOneResultPerKey()
    {
        var h = Harness();
        h.Element(("a", 1), 1);
        h.Element(("b", 2), 2);
        h.Element(("a", 3), 3);

        var fired = h.Watermark(9);

        Assert.Equal([("a", ("a", 4L), 9L), ("b", ("b", 2L), 9L)], fired);
    }

    [Fact]
    public void Element_WhenTimestampsAreNegative_UsesFloorAlignedWindows()
    {
        var h = KeyedOperatorHarness.Create((Ev e) => e.Key, k => k.Window(TumblingEventTimeWindows.Of(Ms(10))).Process(new DescribeWindow<Ev>()));
        h.Element(("a", 0), -1);
        h.Element(("a", 0), -10);
        h.Element(("a", 0), -13);

        var fired = h.Watermark(0);

        Assert.Equal([("a [-20,-10) n=1 wm=0", -11L), ("a [-10,0) n=2 wm=0", -1L)], fired.Timestamped());
    }

    [Fact]
    public void Element_WhenWindowsHaveAnOffset_UsesShiftedWindows()
    {
        var h = KeyedOperatorHarness.Create((Ev e) => e.Key, k => k.Window(TumblingEventTimeWindows.Of(Ms(10), Ms(3))).Process(new DescribeWindow<Ev>()));
        h.Element(("a", 0), 2);
        h.Element(("a", 0), 3);

        var first = h.Watermark(2);
        var second = h.Watermark(12);

        Assert.Equal([("a [-7,3) n=1 wm=2", 2L)], first.Timestamped());
        Assert.Equal([("a [3,13) n=1 wm=12", 12L)], second.Timestamped());
    }

    [Fact]
    public void Element_WhenWindowOpens_RegistersTimersAtEndMinusOneAndAtCleanupTime()
    {
        var h = Harness(lateness: 5);

        h.Element(("a", 1), 3);

        Assert.Equal([(9L, TimeDomain.EventTime), (14L, TimeDomain.EventTime)], h.Timers("a"));
    }

    [Fact]
    public void Element_WhenLateWithoutAllowedLatenessOrSideOutput_IsDroppedAndCounted()
    {
        var h = Harness();
        h.Element(("a", 1), 5);
        h.Watermark(9);

        var late = h.Element(("a", 2), 7);
        var later = h.Watermark(100);

        Assert.Empty(late);
        Assert.Empty(later);
        Assert.Equal([("a", 1L)], h.Output.Values());
        Assert.Equal(1, DroppedLateRecords(h.Operator));
    }

    [Fact]
    public void Element_WhenTimestampEqualsWatermarkAndWindowFired_IsLate()
    {
        var h = Harness(lateTag: Late);
        h.Watermark(9);

        var atWatermark = h.Element(("a", 1), 9);
        var nextWindow = h.Element(("a", 2), 10);

        Assert.Empty(atWatermark);
        Assert.Empty(nextWindow);
        Assert.Equal([(("a", 1L), 9L)], h.SideOutput(Late));
        Assert.Equal([("a", 2L)], h.Watermark(19).Values());
    }

    [Fact]
    public void Element_WhenLateAndSideOutputSet_GoesToSideOutputWithItsTimestamp()
    {
        var h = Harness(lateTag: Late);
        h.Element(("a", 1), 5);
        h.Watermark(9);

        var late = h.Element(("a", 2), 7);

        Assert.Empty(late);
        Assert.Equal([(("a", 2L), 7L)], h.SideOutput(Late));
        Assert.Equal(0, DroppedLateRecords(h.Operator));
    }

    [Fact]
    public void Element_WhenLateWithinAllowedLateness_RefiresWindowWithUpdatedResult()
    {
        var h = Harness(lateness: 5, lateTag: Late);
        h.Element(("a", 1), 1);
        var onTime = h.Watermark(9);

        var firstLate = h.Element(("a", 2), 3);
        h.Watermark(13);
        var secondLate = h.Element(("a", 4), 4);

        Assert.Equal([(("a", 1L), 9L)], onTime.Timestamped());
        Assert.Equal([(("a", 3L), 9L)], firstLate.Timestamped());
        Assert.Equal([(("a", 7L), 9L)], secondLate.Timestamped());
        Assert.Empty(h.SideOutput(Late));
    }

    [Fact]
    public void Element_WhenWatermarkReachedCleanupTime_IsSideOutputNotRefired()
    {
        var h = Harness(lateness: 5, lateTag: Late);
        h.Element(("a", 1), 1);
        h.Watermark(14); // end − 1 + lateness = 14: fired at 9, cleaned up at 14

        var tooLate = h.Element(("a", 2), 3);

        Assert.Empty(tooLate);
        Assert.Equal([("a", 1L)], h.Output.Values());
        Assert.Equal([(("a", 2L), 3L)], h.SideOutput(Late));
    }

    [Fact]
    public void Watermark_WhenWindowWasCleanedUp_DoesNotFireAgainAndLeavesNoState()
    {
        var h = Harness();
        h.Element(("a", 1), 5);

        var fired = h.Watermark(9);
        var after = h.Watermark(10);
        var muchLater = h.Watermark(1000);

        Assert.Single(fired);
        Assert.Empty(after);
        Assert.Empty(muchLater);
        Assert.False(h.HasState("a"));
        Assert.Empty(h.Timers("a"));
    }

    [Fact]
    public void Watermark_WhenCleanupTimeWithLatenessPasses_DoesNotFireAgainAndLeavesNoState()
    {
        var h = Harness(lateness: 5);
        h.Element(("a", 1), 5);

        var fired = h.Watermark(9);
        var beforeCleanup = h.Watermark(13);
        var atCleanup = h.Watermark(14);
        var muchLater = h.Watermark(1000);

        Assert.Single(fired);
        Assert.Empty(beforeCleanup);
        Assert.Empty(atCleanup);
        Assert.Empty(muchLater);
        Assert.False(h.HasState("a"));
        Assert.Empty(h.Timers("a"));
    }

    [Fact]
    public void Element_WhenOnlyOneKeyIsLate_LeavesOtherKeysUnaffected()
    {
        var h = Harness(lateTag: Late);
        h.Element(("a", 1), 5);
        h.Watermark(9);

        h.Element(("b", 2), 5); // b is late too: the watermark is the operator's, not the key's
        h.Element(("b", 3), 15);

        Assert.Equal([(("b", 2L), 5L)], h.SideOutput(Late));
        Assert.Equal([("b", ("b", 3L), 19L)], h.Watermark(19));
    }

    [Fact]
    public void Process_WhenBatchCarriesPerRecordWatermarks_FiresTheWindowBeforeTheRecordThatFollowsIt()
    {
        var op = Harness(lateTag: Late).Operator;
        var (store, timers) = (new KeyedStateStore(), new KeyTimers());
        Ev[] records = [("a", 1), ("a", 2), ("a", 4)];

        // The watermark reaches 9 between the first and second record, so the second is late and the third opens [10, 20).
        var output = op.Process(store, timers, new KeyedInput("a", records, [5, 7, 12], Watermark: 9, ProcessingTime: 0, Watermarks: [long.MinValue, 9, 9]));

        Assert.Equal([("a", 1L)], (Ev[])output.Records!);
        Assert.Equal([9L], output.Timestamps!);
        var late = Assert.Single(output.SideOutputs!);
        Assert.Equal(Late.Id, late.Tag);
        Assert.Equal([("a", 2L)], (Ev[])late.Records);
    }

    [Fact]
    public void AllowedLateness_WhenNegative_IsRejected()
    {
        var env = new StreamExecutionEnvironment(executor: null);
        var windowed = env.FromCollection(Array.Empty<Ev>()).KeyBy(e => e.Key).Window(TumblingEventTimeWindows.Of(Ms(10)));

        Assert.ThrowsAny<ArgumentException>(() => windowed.AllowedLateness(Ms(-1)));
    }

    private static KeyedOperatorHarness<string, Ev, Ev> Harness(long lateness = 0, OutputTag<Ev>? lateTag = null) =>
        KeyedOperatorHarness.Create((Ev e) => e.Key, k =>
        {
            var windowed = k.Window(TumblingEventTimeWindows.Of(Ms(10))).AllowedLateness(Ms(lateness));
            return (lateTag is null ? windowed : windowed.SideOutputLateData(lateTag)).Sum(e => e.Value);
        });
}
