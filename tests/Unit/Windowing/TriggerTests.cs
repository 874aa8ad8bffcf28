using OrleansFlow.State;
using OrleansFlow.Tests.Fixtures;
using OrleansFlow.Windowing;
using static OrleansFlow.Tests.Unit.Windowing.WindowTesting;
using Ev = (string Key, long Value);

namespace OrleansFlow.Tests.Unit.Windowing;

/// <summary>Count, purging, global-window and custom triggers, with expectations from Flink's trigger contracts.</summary>
[Trait("Category", "Unit")]
public sealed class TriggerTests
{
    [Fact]
    public void CountWindow_WhenEveryNthElementArrives_FiresAndPurges()
    {
        var h = KeyedOperatorHarness.Create((Ev e) => e.Key, k => k.CountWindow(3).Sum(e => e.Value));

        var emitted = Enumerable.Range(1, 7).Select(i => h.Element(("a", i)).Values()).ToList();

        Assert.Equal([[], [], [("a", 6L)], [], [], [("a", 15L)], []], emitted);
    }

    [Fact]
    public void CountWindow_WhenFiring_StampsGlobalWindowMaxTimestamp()
    {
        var h = KeyedOperatorHarness.Create((Ev e) => e.Key, k => k.CountWindow(2).Sum(e => e.Value));
        h.Element(("a", 1), 5);

        var fired = h.Element(("a", 2), 6);

        Assert.Equal([(("a", 3L), long.MaxValue)], fired.Timestamped());
    }

    [Fact]
    public void CountWindow_WhenKeysInterleave_CountsPerKey()
    {
        var h = KeyedOperatorHarness.Create((Ev e) => e.Key, k => k.CountWindow(2).Sum(e => e.Value));
        h.Element(("a", 1));
        h.Element(("b", 10));
        h.Element(("b", 20));
        h.Element(("a", 2));

        Assert.Equal([("b", 30L), ("a", 3L)], h.Output.Values());
    }

    [Fact]
    public void CountWindow_WhenSizeAndSlide_EvaluatesTheLastSizeElementsEverySlide()
    {
        var h = KeyedOperatorHarness.Create((Ev e) => e.Key, k => k.CountWindow(3, 2).Sum(e => e.Value));

        var emitted = Enumerable.Range(1, 6).Select(i => h.Element(("a", i)).Values()).ToList();

        // After 2 elements: [1, 2]; after 4: the last three of 1..4; after 6: the last three of 1..6.
        Assert.Equal([[], [("a", 3L)], [], [("a", 9L)], [], [("a", 15L)]], emitted);
    }

    [Fact]
    public void CountTrigger_WhenNotPurging_KeepsAccumulatingAcrossFirings()
    {
        var h = KeyedOperatorHarness.Create((Ev e) => e.Key, k => k.Window(GlobalWindows.Create()).Trigger(CountTrigger<GlobalWindow>.Of(2)).Sum(e => e.Value));

        var emitted = Enumerable.Range(1, 4).Select(i => h.Element(("a", i)).Values()).ToList();

        Assert.Equal([[], [("a", 3L)], [], [("a", 10L)]], emitted);
    }

    [Fact]
    public void CountTrigger_WhenOnEventTimeWindows_FiresByCountOnly()
    {
        var h = KeyedOperatorHarness.Create((Ev e) => e.Key, k => k
            .Window(TumblingEventTimeWindows.Of(Ms(10)))
            .Trigger(CountTrigger<TimeWindow>.Of(2))
            .Sum(e => e.Value));
        h.Element(("a", 1), 1);
        var second = h.Element(("a", 2), 2);
        h.Element(("a", 4), 3);

        var atEnd = h.Watermark(9);

        Assert.Equal([(("a", 3L), 9L)], second.Timestamped());
        Assert.Empty(atEnd);
    }

    [Fact]
    public void PurgingTrigger_WhenWrappingEventTimeTrigger_FiresOnceAndPurgesContents()
    {
        var h = KeyedOperatorHarness.Create((Ev e) => e.Key, k => k
            .Window(TumblingEventTimeWindows.Of(Ms(10)))
            .Trigger(PurgingTrigger<TimeWindow>.Of(EventTimeTrigger.Create()))
            .AllowedLateness(Ms(10))
            .Sum(e => e.Value));
        h.Element(("a", 1), 1);
        h.Element(("a", 2), 2);
        var onTime = h.Watermark(9);

        var late = h.Element(("a", 4), 3); // within lateness: fires again, with only what came after the purge

        Assert.Equal([(("a", 3L), 9L)], onTime.Timestamped());
        Assert.Equal([(("a", 4L), 9L)], late.Timestamped());
    }

    [Fact]
    public void EventTimeTrigger_WhenNotPurging_RefiresWithEverything()
    {
        var h = KeyedOperatorHarness.Create((Ev e) => e.Key, k => k
            .Window(TumblingEventTimeWindows.Of(Ms(10)))
            .AllowedLateness(Ms(10))
            .Sum(e => e.Value));
        h.Element(("a", 1), 1);
        h.Element(("a", 2), 2);
        h.Watermark(9);

        var late = h.Element(("a", 4), 3);

        Assert.Equal([(("a", 7L), 9L)], late.Timestamped());
    }

    [Fact]
    public void EndOfStreamTrigger_WhenWatermarkReachesMaximum_FiresGlobalWindowOnce()
    {
        var h = KeyedOperatorHarness.Create((Ev e) => e.Key, k => k.Window(GlobalWindows.CreateWithEndOfStreamTrigger()).Sum(e => e.Value));
        h.Element(("a", 1), 5);
        h.Element(("a", 2), 1_000);
        h.Element(("b", 4), 7);

        var beforeEnd = h.Watermark(long.MaxValue - 1);
        var processingTime = h.ProcessingTime(long.MaxValue);
        var end = h.Watermark(long.MaxValue);
        var again = h.Watermark(long.MaxValue);

        Assert.Empty(beforeEnd);
        Assert.Empty(processingTime);
        Assert.Equal([("a", ("a", 3L), long.MaxValue), ("b", ("b", 4L), long.MaxValue)], end);
        Assert.Empty(again);
    }

    [Fact]
    public void NeverTrigger_WhenGlobalWindowsCreated_NeverFires()
    {
        var h = KeyedOperatorHarness.Create((Ev e) => e.Key, k => k.Window(GlobalWindows.Create()).Sum(e => e.Value));
        foreach (var i in Enumerable.Range(1, 100))
        {
            h.Element(("a", i), i);
        }

        h.Watermark(long.MaxValue);
        h.ProcessingTime(long.MaxValue);

        Assert.Empty(h.Output);
    }

    [Fact]
    public void CustomTrigger_WhenEveryOtherElementAndAtWindowEnd_FiresEarlyThenOnTime()
    {
        var h = KeyedOperatorHarness.Create((Ev e) => e.Key, k => k
            .Window(TumblingEventTimeWindows.Of(Ms(10)))
            .Trigger(new EveryOtherElementTrigger())
            .Sum(e => e.Value));

        var first = h.Element(("a", 1), 1);
        var second = h.Element(("a", 2), 2);
        var third = h.Element(("a", 4), 3);
        var onTime = h.Watermark(9);

        Assert.Empty(first);
        Assert.Equal([(("a", 3L), 9L)], second.Timestamped());
        Assert.Empty(third);
        Assert.Equal([(("a", 7L), 9L)], onTime.Timestamped());
    }

    [Fact]
    public void CustomTrigger_WhenWindowIsCleanedUp_ItsTimersAndStateAreGone()
    {
        var h = KeyedOperatorHarness.Create((Ev e) => e.Key, k => k
            .Window(TumblingEventTimeWindows.Of(Ms(10)))
            .Trigger(new EveryOtherElementTrigger())
            .Sum(e => e.Value));
        h.Element(("a", 1), 1);

        h.Watermark(9);
        var later = h.Watermark(1000);

        Assert.Empty(later);
        Assert.False(h.HasState("a"));
        Assert.Empty(h.Timers("a"));
    }

    [Fact]
    public void CountWindow_WhenSizeOrSlideIsNotPositive_IsRejected()
    {
        var env = new StreamExecutionEnvironment(executor: null);
        var keyed = env.FromCollection(Array.Empty<Ev>()).KeyBy(e => e.Key);

        Assert.ThrowsAny<ArgumentException>(() => keyed.CountWindow(0));
        Assert.ThrowsAny<ArgumentException>(() => keyed.CountWindow(0, 1));
        Assert.ThrowsAny<ArgumentException>(() => keyed.CountWindow(3, 0));
    }

    /// <summary>Fires on every second element of a window (counting in trigger state) and when the watermark passes its end.</summary>
    internal sealed class EveryOtherElementTrigger : Trigger<TimeWindow>
    {
        private static readonly ValueStateDescriptor<int> Seen = new("seen");

        public override TriggerResult OnElement(object? element, long timestamp, TimeWindow window, ITriggerContext context)
        {
            context.RegisterEventTimeTimer(window.MaxTimestamp);
            var seen = context.GetState(Seen);
            var count = seen.Value + 1;
            seen.Update(count);
            return count % 2 == 0 ? TriggerResult.Fire : TriggerResult.Continue;
        }

        public override TriggerResult OnEventTime(long time, TimeWindow window, ITriggerContext context) =>
            time == window.MaxTimestamp ? TriggerResult.Fire : TriggerResult.Continue;

        public override TriggerResult OnProcessingTime(long time, TimeWindow window, ITriggerContext context) => TriggerResult.Continue;

        public override void Clear(TimeWindow window, ITriggerContext context)
        {
            context.DeleteEventTimeTimer(window.MaxTimestamp);
            context.GetState(Seen).Clear();
        }
    }
}
