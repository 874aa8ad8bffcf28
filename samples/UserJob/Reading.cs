using System.Globalization;

namespace UserJob;

/// <summary>One line of input, <c>timestamp,sensor,value</c>: a plain record, no serialization attributes.</summary>
/// <param name="Timestamp">Event time, ms since the Unix epoch.</param>
/// <param name="Sensor">The sensor's name.</param>
/// <param name="Value">The reading.</param>
public sealed record Reading(long Timestamp, string Sensor, long Value)
{
    /// <summary>Parses a line; a malformed one throws, naming what is wrong (the job then fails with the line number).</summary>
    public static Reading Parse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var fields = line.Split(',');
        if (fields.Length != 3)
        {
            throw new FormatException($"expected 'timestamp,sensor,value', got {fields.Length} fields");
        }

        return new Reading(
            long.Parse(fields[0], NumberStyles.Integer, CultureInfo.InvariantCulture),
            fields[1],
            long.Parse(fields[2], NumberStyles.Integer, CultureInfo.InvariantCulture) * JobVersion.Scale);
    }
}
