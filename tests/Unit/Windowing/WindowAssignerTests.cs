using OrleansFlow.Windowing;
using static OrleansFlow.Tests.Unit.Windowing.WindowTesting;

namespace OrleansFlow.Tests.Unit.Windowing;

[Trait("Category", "Unit")]
public sealed class WindowAssignerTests
{
    [Theory]
    [InlineData(0, 0, 10)]
    [InlineData(9, 0, 10)]
    [InlineData(10, 10, 20)]
    [InlineData(-1, -10, 0)]
    [InlineData(-13, -20, -10)]
    public void TumblingEventTime_AssignWindows_WhenTimestampGiven_ReturnsTheOneWindowHoldingIt(long timestamp, long start, long end)
    {
        var windows = TumblingEventTimeWindows.Of(Ms(10)).AssignWindows(timestamp, currentProcessingTime: 12345);

        Assert.Equal([new TimeWindow(start, end)], windows);
    }

    [Theory]
    [InlineData(2, -7, 3)]
    [InlineData(3, 3, 13)]
    [InlineData(-8, -17, -7)]
    public void TumblingEventTime_AssignWindows_WhenOffsetSet_ShiftsWindows(long timestamp, long start, long end)
    {
        var windows = TumblingEventTimeWindows.Of(Ms(10), Ms(3)).AssignWindows(timestamp, 0);

        Assert.Equal([new TimeWindow(start, end)], windows);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(-10)]
    [InlineData(25)]
    public void TumblingEventTime_Of_WhenOffsetNotSmallerThanSize_Throws(long offset)
    {
        Assert.Throws<ArgumentException>(() => TumblingEventTimeWindows.Of(Ms(10), Ms(offset)));
    }

    [Theory]
    [InlineData(9)]
    [InlineData(-9)]
    public void TumblingEventTime_Of_WhenOffsetSmallerThanSize_IsAccepted(long offset)
    {
        var windows = TumblingEventTimeWindows.Of(Ms(10), Ms(offset)).AssignWindows(0, 0);

        Assert.Single(windows);
        Assert.Equal(10, windows[0].End - windows[0].Start);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(-10)]
    public void TumblingProcessingTime_Of_WhenOffsetNotSmallerThanSize_Throws(long offset)
    {
        Assert.Throws<ArgumentException>(() => TumblingProcessingTimeWindows.Of(Ms(10), Ms(offset)));
    }

    [Fact]
    public void Assigners_WhenSizeSlideOrGapIsNotPositive_Throw()
    {
        Assert.ThrowsAny<ArgumentException>(() => TumblingEventTimeWindows.Of(TimeSpan.Zero));
        Assert.ThrowsAny<ArgumentException>(() => TumblingProcessingTimeWindows.Of(Ms(-10)));
        Assert.ThrowsAny<ArgumentException>(() => SlidingEventTimeWindows.Of(Ms(10), TimeSpan.Zero));
        Assert.ThrowsAny<ArgumentException>(() => SlidingEventTimeWindows.Of(TimeSpan.Zero, Ms(5)));
        Assert.ThrowsAny<ArgumentException>(() => SlidingProcessingTimeWindows.Of(Ms(10), Ms(-5)));
        Assert.ThrowsAny<ArgumentException>(() => EventTimeSessionWindows.WithGap(TimeSpan.Zero));
        Assert.ThrowsAny<ArgumentException>(() => ProcessingTimeSessionWindows.WithGap(Ms(-1)));
    }

    [Fact]
    public void SlidingEventTime_AssignWindows_WhenSlideDividesSize_ReturnsSizeOverSlideWindowsLatestFirst()
    {
        var windows = SlidingEventTimeWindows.Of(Ms(10), Ms(5)).AssignWindows(7, 0);

        Assert.Equal([new TimeWindow(5, 15), new TimeWindow(0, 10)], windows);
    }

    [Fact]
    public void SlidingEventTime_AssignWindows_WhenTimestampIsOnASlideBoundary_StartsAWindowThere()
    {
        var windows = SlidingEventTimeWindows.Of(Ms(10), Ms(5)).AssignWindows(10, 0);

        Assert.Equal([new TimeWindow(10, 20), new TimeWindow(5, 15)], windows);
    }

    [Fact]
    public void SlidingEventTime_AssignWindows_WhenSlideDoesNotDivideSize_ReturnsEveryWindowHoldingTheTimestamp()
    {
        var windows = SlidingEventTimeWindows.Of(Ms(10), Ms(3)).AssignWindows(0, 0);

        Assert.Equal([new TimeWindow(0, 10), new TimeWindow(-3, 7), new TimeWindow(-6, 4), new TimeWindow(-9, 1)], windows);
    }

    [Fact]
    public void SlidingEventTime_AssignWindows_WhenTimestampIsNegative_UsesFloorAlignment()
    {
        var windows = SlidingEventTimeWindows.Of(Ms(10), Ms(5)).AssignWindows(-1, 0);

        Assert.Equal([new TimeWindow(-5, 5), new TimeWindow(-10, 0)], windows);
    }

    [Fact]
    public void SlidingEventTime_AssignWindows_WhenOffsetSet_ShiftsWindows()
    {
        var windows = SlidingEventTimeWindows.Of(Ms(10), Ms(5), Ms(2)).AssignWindows(1, 0);

        Assert.Equal([new TimeWindow(-3, 7), new TimeWindow(-8, 2)], windows);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(-5)]
    public void Sliding_Of_WhenOffsetNotSmallerThanSlide_Throws(long offset)
    {
        Assert.Throws<ArgumentException>(() => SlidingEventTimeWindows.Of(Ms(10), Ms(5), Ms(offset)));
        Assert.Throws<ArgumentException>(() => SlidingProcessingTimeWindows.Of(Ms(10), Ms(5), Ms(offset)));
    }

    [Fact]
    public void ProcessingTimeAssigners_AssignWindows_WhenTimestampDiffersFromClock_UseTheClock()
    {
        Assert.Equal([new TimeWindow(100, 110)], TumblingProcessingTimeWindows.Of(Ms(10)).AssignWindows(timestamp: 3, currentProcessingTime: 105));
        Assert.Equal(
            [new TimeWindow(105, 115), new TimeWindow(100, 110)],
            SlidingProcessingTimeWindows.Of(Ms(10), Ms(5)).AssignWindows(timestamp: 3, currentProcessingTime: 105));
        Assert.Equal([new TimeWindow(105, 115)], ProcessingTimeSessionWindows.WithGap(Ms(10)).AssignWindows(timestamp: 3, currentProcessingTime: 105));
    }

    [Fact]
    public void EventTimeSession_AssignWindows_WhenElementArrives_OpensTimestampPlusGap()
    {
        Assert.Equal([new TimeWindow(7, 17)], EventTimeSessionWindows.WithGap(Ms(10)).AssignWindows(7, 0));
    }

    [Fact]
    public void EventTimeSession_MergeWindows_WhenWindowsOverlapOrTouch_MergesThemTransitively()
    {
        var merges = EventTimeSessionWindows.WithGap(Ms(10)).MergeWindows(
            [new TimeWindow(20, 30), new TimeWindow(0, 10), new TimeWindow(10, 20), new TimeWindow(31, 41), new TimeWindow(50, 60), new TimeWindow(55, 65)]);

        Assert.Equal(2, merges.Count);
        Assert.Equal(new TimeWindow(0, 30), merges[0].Result);
        Assert.Equal([new TimeWindow(0, 10), new TimeWindow(10, 20), new TimeWindow(20, 30)], merges[0].Merged);
        Assert.Equal(new TimeWindow(50, 65), merges[1].Result);
        Assert.Equal([new TimeWindow(50, 60), new TimeWindow(55, 65)], merges[1].Merged);
    }

    [Fact]
    public void EventTimeSession_MergeWindows_WhenWindowsAreApart_ReturnsNoMerges()
    {
        Assert.Empty(EventTimeSessionWindows.WithGap(Ms(10)).MergeWindows([new TimeWindow(0, 10), new TimeWindow(11, 21)]));
    }

    [Fact]
    public void GlobalWindows_AssignWindows_WhenAnyTimestamp_ReturnsTheGlobalWindow()
    {
        Assert.Equal([GlobalWindow.Instance], GlobalWindows.Create().AssignWindows(-5, 0));
        Assert.Equal(long.MaxValue, GlobalWindow.Instance.MaxTimestamp);
    }

    [Fact]
    public void DefaultTriggers_WhenAssignerChosen_MatchFlink()
    {
        Assert.IsType<EventTimeTrigger>(TumblingEventTimeWindows.Of(Ms(10)).DefaultTrigger);
        Assert.IsType<EventTimeTrigger>(SlidingEventTimeWindows.Of(Ms(10), Ms(5)).DefaultTrigger);
        Assert.IsType<EventTimeTrigger>(EventTimeSessionWindows.WithGap(Ms(10)).DefaultTrigger);
        Assert.IsType<ProcessingTimeTrigger>(TumblingProcessingTimeWindows.Of(Ms(10)).DefaultTrigger);
        Assert.IsType<ProcessingTimeTrigger>(SlidingProcessingTimeWindows.Of(Ms(10), Ms(5)).DefaultTrigger);
        Assert.IsType<ProcessingTimeTrigger>(ProcessingTimeSessionWindows.WithGap(Ms(10)).DefaultTrigger);
        Assert.IsType<NeverTrigger>(GlobalWindows.Create().DefaultTrigger);
        Assert.IsType<EndOfStreamTrigger>(GlobalWindows.CreateWithEndOfStreamTrigger().DefaultTrigger);
    }

    [Fact]
    public void IsEventTime_WhenAssignerChosen_IsTrueOnlyForEventTimeAssigners()
    {
        Assert.True(TumblingEventTimeWindows.Of(Ms(10)).IsEventTime);
        Assert.True(SlidingEventTimeWindows.Of(Ms(10), Ms(5)).IsEventTime);
        Assert.True(EventTimeSessionWindows.WithGap(Ms(10)).IsEventTime);
        Assert.False(TumblingProcessingTimeWindows.Of(Ms(10)).IsEventTime);
        Assert.False(SlidingProcessingTimeWindows.Of(Ms(10), Ms(5)).IsEventTime);
        Assert.False(ProcessingTimeSessionWindows.WithGap(Ms(10)).IsEventTime);
        Assert.False(GlobalWindows.Create().IsEventTime);
    }
}
