using OrleansFlow.Runtime;

namespace OrleansFlow.Tests.Unit.Runtime;

[Trait("Category", "Unit")]
public sealed class WatermarkValveTests
{
    private static readonly (int, int) A = (0, 0);
    private static readonly (int, int) B = (0, 1);

    [Fact]
    public void OnWatermark_WithTwoInputs_ForwardsTheMinimumOnlyWhenItIncreases()
    {
        var valve = new WatermarkValve([A, B]);

        Assert.Null(valve.OnWatermark(A, 10));          // B has none yet
        Assert.Equal(5, valve.OnWatermark(B, 5));
        Assert.Null(valve.OnWatermark(B, 4));            // a channel never goes back
        Assert.Equal(10, valve.OnWatermark(B, 12));      // minimum is now A's 10
        Assert.Null(valve.OnWatermark(A, 10));
        Assert.Equal(12, valve.OnWatermark(A, 20));
    }

    [Fact]
    public void OnIdleChanged_WhenTheSlowInputGoesIdle_StopsHoldingTheWatermarkBackUntilItIsActiveAgain()
    {
        var valve = new WatermarkValve([A, B]);
        valve.OnWatermark(A, 100);
        valve.OnWatermark(B, 10);

        Assert.Equal(100, valve.OnIdleChanged(B, idle: true));
        Assert.Equal(150, valve.OnWatermark(A, 150));
        Assert.Null(valve.OnIdleChanged(B, idle: false)); // active again with 10: the watermark never decreases
        Assert.Null(valve.OnWatermark(A, 200));          // ... and B holds it at 150 until it catches up
        Assert.Equal(200, valve.OnWatermark(B, 300));
    }

    [Fact]
    public void AllIdle_WhenEveryInputIsIdle_IsTrueAndNoWatermarkIsForwarded()
    {
        var valve = new WatermarkValve([A, B]);
        valve.OnWatermark(A, 7);

        Assert.Null(valve.OnIdleChanged(A, idle: true));
        Assert.False(valve.AllIdle);
        Assert.Null(valve.OnIdleChanged(B, idle: true));
        Assert.True(valve.AllIdle);
    }

    [Fact]
    public void OnEnded_WhenAnInputEnds_ItCountsAsTheMaximumWatermark()
    {
        var valve = new WatermarkValve([A, B]);
        valve.OnWatermark(A, 5);
        valve.OnWatermark(B, 8);

        Assert.Equal(8, valve.OnEnded(A));
        Assert.Equal(long.MaxValue, valve.OnEnded(B));
    }
}
