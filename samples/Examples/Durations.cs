using System.Globalization;

namespace OrleansFlow.Examples;

/// <summary>Parses durations such as <c>250ms</c>, <c>10s</c>, <c>5m</c>, <c>1h</c> (a bare number is milliseconds).</summary>
public static class Durations
{
    /// <summary>Parses <paramref name="text"/>; the error names <paramref name="what"/>.</summary>
    public static TimeSpan Parse(string text, string what)
    {
        ArgumentNullException.ThrowIfNull(text);
        var (number, unit) = text.EndsWith("ms", StringComparison.Ordinal) ? (text[..^2], 1L)
            : text.EndsWith('s') ? (text[..^1], 1_000L)
            : text.EndsWith('m') ? (text[..^1], 60_000L)
            : text.EndsWith('h') ? (text[..^1], 3_600_000L)
            : (text, 1L);
        if (!long.TryParse(number, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            throw new ArgumentException($"{what}: '{text}' is not a duration (use e.g. 500ms, 10s, 5m, 1h).");
        }

        return TimeSpan.FromMilliseconds(value * unit);
    }
}
