using System.Globalization;
using OrleansFlow.Checkpoints;

namespace OrleansFlow.Cli;

/// <summary>
/// The one-line checkpoint summary that <c>flow run --progress</c> (or <c>--verbose</c>) ends with and <c>flow status</c>
/// prints, from the coordinator's <see cref="CheckpointSummary"/>:
/// <c>checkpoints: 12 completed, 1 failed, duration p50 35 ms, p99 120 ms, max 131 ms, size p50 48,213 bytes</c>.
/// </summary>
/// <remarks>
/// The counts are over the job's life; the figures over the completed checkpoints (savepoints included) of the
/// retained history. Figures are rounded to whole milliseconds and bytes (halves away from zero) and written with
/// thousands separators. When the history holds no completed checkpoint the line ends after the counts
/// (<c>checkpoints: 0 completed, 2 failed</c>), and says so when older completed ones left the history
/// (<c>checkpoints: 3 completed, 50 failed (none completed in the retained history)</c>). The jobs page writes the same text.
/// </remarks>
internal static class CheckpointSummaryLine
{
    /// <summary>The line for <paramref name="summary"/>.</summary>
    public static string Format(CheckpointSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var line = string.Create(CultureInfo.InvariantCulture, $"checkpoints: {summary.Completed:N0} completed, {summary.Failed:N0} failed");
        if (summary.EndToEndDuration is null && summary.StateSize is null)
        {
            return summary.Completed > 0 ? $"{line} (none completed in the retained history)" : line;
        }

        if (summary.EndToEndDuration is { } duration)
        {
            line += string.Create(CultureInfo.InvariantCulture, $", duration p50 {Whole(duration.P50):N0} ms, p99 {Whole(duration.P99):N0} ms, max {duration.Max:N0} ms");
        }

        if (summary.StateSize is { } size)
        {
            line += string.Create(CultureInfo.InvariantCulture, $", size p50 {Whole(size.P50):N0} bytes");
        }

        return line;
    }

    private static long Whole(double value) => (long)Math.Round(value, MidpointRounding.AwayFromZero);
}
