using System.Globalization;

namespace OrleansFlow.Examples;

/// <summary>A line of the window-sum input: an event <c>timestamp,key,value</c>, or a watermark line <c>WM,timestamp</c>.</summary>
/// <param name="Timestamp">Event time (epoch ms), or the watermark's time.</param>
/// <param name="Key">The key (empty for a watermark line).</param>
/// <param name="Value">The value to sum.</param>
/// <param name="IsWatermark">Whether the line is a punctuated watermark.</param>
/// <param name="Line">The input line, kept only when late lines are written out verbatim.</param>
[GenerateSerializer, Immutable, Alias("flow.examples.WindowEvent")]
public readonly record struct WindowEvent(
    [property: Id(0)] long Timestamp,
    [property: Id(1)] string Key,
    [property: Id(2)] long Value,
    [property: Id(3)] bool IsWatermark,
    [property: Id(4)] string? Line)
{
    /// <summary>Parses a line; throws a FormatException naming the field that is wrong.</summary>
    public static WindowEvent Parse(string line, bool punctuated, bool keepLine)
    {
        ArgumentNullException.ThrowIfNull(line);
        var parts = line.Split(',');
        if (punctuated && parts.Length == 2 && parts[0] == "WM")
        {
            return new WindowEvent(Long(parts[1], "watermark timestamp"), string.Empty, 0, IsWatermark: true, null);
        }

        if (parts.Length != 3)
        {
            throw new FormatException($"expected 3 fields timestamp,key,value but found {parts.Length}");
        }

        if (parts[1].Length == 0)
        {
            throw new FormatException("field 2 (key) is empty");
        }

        return new WindowEvent(Long(parts[0], "field 1 (timestamp)"), parts[1], Long(parts[2], "field 3 (value)"), IsWatermark: false, keepLine ? line : null);
    }

    private static long Long(string text, string field) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FormatException($"{field} '{text}' is not a 64-bit integer");
}
