using OrleansFlow.Execution;
using OrleansFlow.Tests.Fixtures;
using OrleansFlow.Windowing;
using static OrleansFlow.Tests.Unit.Windowing.WindowTesting;
using Ev = (string Key, long Value);

namespace OrleansFlow.Tests.Unit.Windowing;

/// <summary>
/// Issue 13: a record whose window would end past <see cref="long.MaxValue"/> (or start before
/// <see cref="long.MinValue"/>) has no window. The assigners throw <see cref="WindowAssignmentException"/> instead
/// of giving it a window that wrapped around to a negative end (which the operator then took for late, silently
/// losing a second record of that window). Windows that fit, up to the last one of the range, are unchanged.
/// </summary>
[Trait("Category", "Unit")]
public sealed class WindowRangeTests
{
    public static TheoryData<string, WindowAssigner<TimeWindow>> Assigners() => new()
    {
        { "tumbling", TumblingEventTimeWindows.Of(Ms(10_000)) },
        { "tumbling", TumblingProcessingTimeWindows.Of(Ms(10_000)) },
        { "sliding", SlidingEventTimeWindows.Of(Ms(10_000), Ms(5_000)) },
        { "sliding", SlidingProcessingTimeWindows.Of(Ms(10_000), Ms(5_000)) },
        { "session", EventTimeSessionWindows.WithGap(Ms(10_000)) },
        { "session", ProcessingTimeSessionWindows.WithGap(Ms(10_000)) },
    };

    [Theory]
    [MemberData(nameof(Assigners))]
    public void AssignWindows_WhenTheWindowEndWouldPassLongMaxValue_Throws(string kind, WindowAssigner<TimeWindow> assigner)
    {
        var error = Assert.Throws<WindowAssignmentException>(() => assigner.AssignWindows(long.MaxValue, long.MaxValue));

        Assert.Equal($"timestamp 9223372036854775807 has no {kind} window: its window of 10000 ms would pass the range of a 64-bit time (-9223372036854775808 to 9223372036854775807)", error.Message);
    }

    [Theory]
    [InlineData(9_223_372_036_854_770_000)] // its window [..770000, ..780000) ends past long.MaxValue (..775807)
    [InlineData(9_223_372_036_854_775_000)]
    public void TumblingEventTime_WhenTheWindowsEndPassesTheRange_Throws(long timestamp) =>
        Assert.Throws<WindowAssignmentException>(() => TumblingEventTimeWindows.Of(Ms(10_000)).AssignWindows(timestamp, 0));

    [Fact]
    public void TumblingEventTime_WhenTheWindowEndsJustInsideTheRange_AssignsIt()
    {
        // The last window that fits: [..760000, ..770000), just below long.MaxValue (..775807).
        var windows = TumblingEventTimeWindows.Of(Ms(10_000)).AssignWindows(9_223_372_036_854_769_999, 0);

        Assert.Equal([new TimeWindow(9_223_372_036_854_760_000, 9_223_372_036_854_770_000)], windows);
    }

    [Fact]
    public void TumblingEventTime_WhenAnOffsetPushesTheArithmeticPastTheRange_StillFindsTheWindow()
    {
        // (t - offset) would overflow for t near long.MinValue with a positive offset: the start is still offset + k * size.
        var windows = TumblingEventTimeWindows.Of(Ms(10), Ms(3)).AssignWindows(long.MinValue + 20, 0);

        var start = windows.Single().Start;
        Assert.True(start <= long.MinValue + 20 && long.MinValue + 20 < start + 10, $"window {windows[0]} does not hold the timestamp");
        Assert.Equal(3, ((start % 10) + 10) % 10);
    }

    [Fact]
    public void TumblingEventTime_WhenTheWindowWouldStartBeforeLongMinValue_Throws() =>
        Assert.Throws<WindowAssignmentException>(() => TumblingEventTimeWindows.Of(Ms(10)).AssignWindows(long.MinValue + 1, 0));

    [Fact]
    public void SessionEventTime_WhenTheSessionEndsAtLongMaxValue_AssignsIt() =>
        Assert.Equal([new TimeWindow(long.MaxValue - 10, long.MaxValue)], EventTimeSessionWindows.WithGap(Ms(10)).AssignWindows(long.MaxValue - 10, 0));

    [Fact]
    public void WindowOperator_WhenTwoRecordsFallInAWindowPastTheRange_FailsOnTheFirstNamingTheOperatorAndKey()
    {
        // The case: two records near long.MaxValue for one key; the first must not get a window ending at a negative time.
        var h = KeyedOperatorHarness.Create((Ev e) => e.Key, k => k.Window(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(10))).Sum(e => e.Value));

        var error = Assert.Throws<UserFunctionException>(() => h.Element(("k", 1), 9_223_372_036_854_775_800));

        Assert.Equal("Window Sum", error.OperatorName);
        Assert.Contains("key 'k'", error.Message, StringComparison.Ordinal);
        Assert.Contains("timestamp 9223372036854775800 has no tumbling window", error.Message, StringComparison.Ordinal);
        Assert.IsType<WindowAssignmentException>(error.InnerException);
    }
}
