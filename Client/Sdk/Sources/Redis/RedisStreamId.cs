using System.Globalization;

namespace OrleansFlow.Sources.Redis;

/// <summary>
/// A Redis stream entry id, <c>milliseconds-sequence</c>, and its encoding as a source position:
/// <c>milliseconds &lt;&lt; 20 | sequence</c>. That holds milliseconds below 2^43 (until the year 2248) and sequences
/// below 2^20 (1,048,576 entries in one millisecond); an id outside those bounds cannot be a position and fails loudly.
/// Position 0 is id 0-0, before every entry.
/// </summary>
internal readonly record struct RedisStreamId(long Milliseconds, long Sequence) : IComparable<RedisStreamId>
{
    public const int SequenceBits = 20;
    public const long MaxSequence = (1L << SequenceBits) - 1;
    public const long MaxMilliseconds = (1L << (63 - SequenceBits)) - 1;

    public static RedisStreamId Zero { get; } = new(0, 0);

    /// <summary>Reads <c>ms-seq</c>.</summary>
    /// <exception cref="FormatException">The text is not an entry id.</exception>
    public static RedisStreamId Parse(string text)
    {
        var dash = text.IndexOf('-', StringComparison.Ordinal);
        if (dash > 0
            && long.TryParse(text.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds)
            && long.TryParse(text.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
        {
            return new RedisStreamId(milliseconds, sequence);
        }

        throw new FormatException($"'{text}' is not a Redis stream entry id (milliseconds-sequence, for example 1700000000000-0).");
    }

    /// <summary>Decodes a position made by <see cref="ToPosition"/>.</summary>
    public static RedisStreamId FromPosition(long position)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        return new RedisStreamId(position >> SequenceBits, position & MaxSequence);
    }

    /// <summary>Whether <see cref="ToPosition"/> can encode this id.</summary>
    public bool FitsPosition => Milliseconds <= MaxMilliseconds && Sequence <= MaxSequence;

    /// <summary>Encodes the id as a position.</summary>
    /// <exception cref="InvalidOperationException">The id is outside the encodable range (the message names it and <paramref name="stream"/>).</exception>
    public long ToPosition(string stream) => FitsPosition
        ? (Milliseconds << SequenceBits) | Sequence
        : throw new InvalidOperationException(
            $"Redis stream '{stream}' entry {this} cannot be a source position: positions hold milliseconds up to {MaxMilliseconds} " +
            $"and sequence numbers up to {MaxSequence}.");

    /// <summary>The id right after this one (the smallest id greater than it).</summary>
    public RedisStreamId Next() => Sequence < long.MaxValue ? this with { Sequence = Sequence + 1 } : new RedisStreamId(Milliseconds + 1, 0);

    public int CompareTo(RedisStreamId other) =>
        Milliseconds != other.Milliseconds ? Milliseconds.CompareTo(other.Milliseconds) : Sequence.CompareTo(other.Sequence);

    public static bool operator <(RedisStreamId left, RedisStreamId right) => left.CompareTo(right) < 0;

    public static bool operator >(RedisStreamId left, RedisStreamId right) => left.CompareTo(right) > 0;

    public static bool operator <=(RedisStreamId left, RedisStreamId right) => left.CompareTo(right) <= 0;

    public static bool operator >=(RedisStreamId left, RedisStreamId right) => left.CompareTo(right) >= 0;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Milliseconds}-{Sequence}");
}
