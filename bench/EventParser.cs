using System.Globalization;

namespace OrleansFlow.Bench;

/// <summary>Parses a generator line <c>timestamp,key,value</c> with spans: one allocation (the key) per line.</summary>
internal static class EventParser
{
    public static Event Parse(string line)
    {
        var span = line.AsSpan();
        var first = span.IndexOf(',');
        if (first < 0)
        {
            throw new FormatException("expected 'timestamp,key,value'");
        }

        var rest = span[(first + 1)..];
        var second = rest.IndexOf(',');
        if (second < 0)
        {
            throw new FormatException("expected 'timestamp,key,value'");
        }

        var ts = long.Parse(span[..first], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var value = long.Parse(rest[(second + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        return (ts, rest[..second].ToString(), value);
    }
}
