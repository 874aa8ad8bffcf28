using OrleansFlow.Windowing;

namespace OrleansFlow.Tests.Unit.Windowing;

[Trait("Category", "Unit")]
public sealed class TimeWindowTests
{
    [Theory]
    [InlineData(0, 0, 10, 0)]
    [InlineData(9, 0, 10, 0)]
    [InlineData(10, 0, 10, 10)]
    [InlineData(-1, 0, 10, -10)]
    [InlineData(-10, 0, 10, -10)]
    [InlineData(-11, 0, 10, -20)]
    [InlineData(-13, 0, 10, -20)]
    [InlineData(2, 3, 10, -7)]
    [InlineData(3, 3, 10, 3)]
    [InlineData(12, 3, 10, 3)]
    [InlineData(13, 3, 10, 13)]
    [InlineData(5, -3, 10, -3)]
    [InlineData(-8, -3, 10, -13)]
    public void WindowStart_WhenTimestampAndOffsetVary_ReturnsLargestAlignedStartNotAboveTimestamp(long timestamp, long offset, long size, long expected)
    {
        var start = TimeWindow.WindowStart(timestamp, offset, size);

        Assert.Equal(expected, start);
        Assert.InRange(timestamp, start, start + size - 1);
    }

    [Fact]
    public void MaxTimestamp_WhenWindowIsHalfOpen_IsEndMinusOne()
    {
        Assert.Equal(9, new TimeWindow(0, 10).MaxTimestamp);
        Assert.Equal(-11, new TimeWindow(-20, -10).MaxTimestamp);
    }

    [Theory]
    [InlineData(0, 10, 10, 20, true)] // touching windows intersect, as Flink's TimeWindow.intersects
    [InlineData(10, 20, 0, 10, true)]
    [InlineData(0, 10, 5, 15, true)]
    [InlineData(0, 10, 2, 4, true)]
    [InlineData(0, 10, 11, 20, false)]
    [InlineData(11, 20, 0, 10, false)]
    public void Intersects_WhenWindowsOverlapTouchOrNot_MatchesFlink(long start1, long end1, long start2, long end2, bool expected)
    {
        Assert.Equal(expected, new TimeWindow(start1, end1).Intersects(new TimeWindow(start2, end2)));
    }

    [Fact]
    public void Cover_WhenWindowsAreApart_SpansBoth()
    {
        Assert.Equal(new TimeWindow(-5, 30), new TimeWindow(20, 30).Cover(new TimeWindow(-5, 3)));
    }
}
