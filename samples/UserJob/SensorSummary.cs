using System.Globalization;

namespace UserJob;

/// <summary>A sensor's totals over the windows that have fired so far (the running state of the second stage).</summary>
/// <param name="Sensor">The sensor.</param>
/// <param name="Windows">Windows that fired.</param>
/// <param name="Count">Readings in them.</param>
/// <param name="Sum">Sum of the readings.</param>
/// <param name="Max">The largest reading.</param>
/// <param name="LastWindowEnd">End of the latest window (ms since the Unix epoch).</param>
public sealed record SensorSummary(string Sensor, long Windows, long Count, long Sum, long Max, long LastWindowEnd)
{
    /// <summary>The output line: <c>label,sensor,windows,count,sum,max,last_window_end</c>.</summary>
    public string ToLine() =>
        string.Create(CultureInfo.InvariantCulture, $"{JobVersion.Label},{Sensor},{Windows},{Count},{Sum},{Max},{LastWindowEnd}");
}
