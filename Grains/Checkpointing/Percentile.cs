namespace OrleansFlow.Checkpointing;

/// <summary>
/// The percentile estimate Flink's checkpoint summary uses: Apache Commons Math's <c>Percentile</c> with its default
/// estimation type (<c>LEGACY</c>, the NIST definition; Flink's <c>DescriptiveStatisticsHistogramStatistics</c> creates
/// it with <c>new Percentile()</c>). For values sorted ascending x<sub>1</sub> ≤ … ≤ x<sub>n</sub> and a percentile
/// p in (0, 100]:
/// <list type="bullet">
/// <item>pos = p · (n + 1) / 100;</item>
/// <item>pos &lt; 1 gives x<sub>1</sub>, pos ≥ n gives x<sub>n</sub> (so a single value is every percentile);</item>
/// <item>otherwise, with k = ⌊pos⌋ and d = pos − k, the result is x<sub>k</sub> + d · (x<sub>k+1</sub> − x<sub>k</sub>)
/// (linear interpolation between the two neighbouring ranks, counted from 1).</item>
/// </list>
/// Example: the median of 10, 20, 30, 40 is at pos 2.5, halfway between 20 and 30: 25; their p99 is at pos 4.95 ≥ 4: 40.
/// </summary>
internal static class Percentile
{
    /// <summary>The <paramref name="percentile"/>-th percentile of <paramref name="sorted"/> by the rule above.</summary>
    /// <param name="sorted">The values, sorted ascending; at least one.</param>
    /// <param name="percentile">The percentile, greater than 0 and at most 100 (50 for the median).</param>
    public static double Evaluate(IReadOnlyList<long> sorted, double percentile)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        ArgumentOutOfRangeException.ThrowIfZero(sorted.Count);
        if (!(percentile > 0 && percentile <= 100))
        {
            throw new ArgumentOutOfRangeException(nameof(percentile), percentile, "A percentile must be greater than 0 and at most 100.");
        }

        var n = sorted.Count;
        var pos = percentile * (n + 1) / 100;
        if (pos < 1)
        {
            return sorted[0];
        }

        if (pos >= n)
        {
            return sorted[n - 1];
        }

        var k = (int)Math.Floor(pos);
        var lower = (double)sorted[k - 1];
        return lower + ((pos - k) * (sorted[k] - lower));
    }
}
