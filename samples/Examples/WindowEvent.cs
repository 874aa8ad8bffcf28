using System.Globalization;
using OrleansFlow.Sources;

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
        return Parse(line.AsSpan(), punctuated, keepLine, keys: null);
    }

    /// <summary>
    /// Parses a line from its characters; keys come from <paramref name="keys"/> when given (one string per distinct
    /// key instead of one per line). Throws a FormatException naming the field that is wrong.
    /// </summary>
    public static WindowEvent Parse(ReadOnlySpan<char> text, bool punctuated, bool keepLine, StringPool? keys)
    {
        var first = text.IndexOf(',');
        if (first < 0)
        {
            throw new FormatException("expected 3 fields timestamp,key,value but found 1");
        }

        var rest = text[(first + 1)..];
        var second = rest.IndexOf(',');
        if (punctuated && second < 0 && text[..first].SequenceEqual("WM"))
        {
            return new WindowEvent(Long(rest, "watermark timestamp"), string.Empty, 0, IsWatermark: true, null);
        }

        if (second < 0 || rest[(second + 1)..].Contains(','))
        {
            throw new FormatException($"expected 3 fields timestamp,key,value but found {text.Count(',') + 1}");
        }

        if (second == 0)
        {
            throw new FormatException("field 2 (key) is empty");
        }

        var timestamp = Long(text[..first], "field 1 (timestamp)");
        var value = Long(rest[(second + 1)..], "field 3 (value)");
        var key = keys is null ? rest[..second].ToString() : keys.Get(rest[..second]);
        return new WindowEvent(timestamp, key, value, IsWatermark: false, keepLine ? text.ToString() : null);
    }

    private static long Long(ReadOnlySpan<char> text, string field) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FormatException($"{field} '{text}' is not a 64-bit integer");
}
