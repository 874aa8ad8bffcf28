using OrleansFlow.Checkpointing;

namespace OrleansFlow.Tests.Unit.Checkpointing;

/// <summary>
/// <see cref="Percentile"/>: Commons Math's default estimate, pos = p (n + 1) / 100 over values ranked from 1; below
/// rank 1 the smallest, from rank n on the largest, in between linear interpolation. Expected values are worked out
/// from that rule in each test's comment.
/// </summary>
[Trait("Category", "Unit")]
public sealed class PercentileTests
{
    private static readonly long[] Four = [10, 20, 30, 40];

    [Theory]
    [InlineData(0.1)]
    [InlineData(50)]
    [InlineData(99.9)]
    [InlineData(100)]
    public void Evaluate_WhenThereIsOneValue_EveryPercentileIsThatValue(double percentile)
    {
        // n = 1: pos = 2p/100 is below 1 or at least n for every p, so the one value either way.
        Assert.Equal(7, Percentile.Evaluate([7], percentile));
    }

    [Fact]
    public void Evaluate_MedianOfAnEvenCount_IsHalfwayBetweenTheMiddleTwo()
    {
        // pos = 50 * 5 / 100 = 2.5: x2 + 0.5 (x3 - x2) = 20 + 5.
        Assert.Equal(25, Percentile.Evaluate(Four, 50));
    }

    [Fact]
    public void Evaluate_WhenThePositionIsWhole_IsTheValueOfThatRank()
    {
        // pos = 50 * 4 / 100 = 2: x2.
        Assert.Equal(5, Percentile.Evaluate([1, 5, 9], 50));
    }

    [Theory]
    [InlineData(10, 10)]   // pos 0.5 < 1: x1
    [InlineData(20, 10)]   // pos 1.0: x1
    [InlineData(25, 12.5)] // pos 1.25: 10 + 0.25 * 10
    [InlineData(79, 39.5)] // pos 3.95: 30 + 0.95 * 10
    [InlineData(80, 40)]   // pos 4.0 >= n: x4
    [InlineData(99, 40)]   // pos 4.95 >= n: x4
    public void Evaluate_NearTheEnds_ClampsToTheSmallestAndLargestValue(double percentile, double expected)
    {
        Assert.Equal(expected, Percentile.Evaluate(Four, percentile), precision: 9);
    }

    [Fact]
    public void Evaluate_BetweenUnevenNeighbours_InterpolatesLinearly()
    {
        // pos = 50 * 3 / 100 = 1.5: 3 + 0.5 * (100 - 3).
        Assert.Equal(51.5, Percentile.Evaluate([3, 100], 50));
    }

    [Theory]
    [InlineData(50, 255)]    // pos 25.5: x25 = 250, x26 = 260
    [InlineData(90, 459)]    // pos 45.9: 450 + 0.9 * 10
    [InlineData(95, 484.5)]  // pos 48.45: 480 + 0.45 * 10
    [InlineData(99, 500)]    // pos 50.49 >= 50: x50
    [InlineData(99.9, 500)]  // pos 50.949 >= 50: x50
    public void Evaluate_OverAFullHistoryOfFifty_FollowsTheRule(double percentile, double expected)
    {
        long[] fifty = [.. Enumerable.Range(1, 50).Select(i => i * 10L)]; // 10, 20, ..., 500

        Assert.Equal(expected, Percentile.Evaluate(fifty, percentile), precision: 9);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(100.5)]
    [InlineData(double.NaN)]
    public void Evaluate_WhenThePercentileIsOutsideZeroToHundred_Throws(double percentile)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Percentile.Evaluate(Four, percentile));
    }

    [Fact]
    public void Evaluate_WhenThereAreNoValues_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Percentile.Evaluate([], 50));
    }
}
