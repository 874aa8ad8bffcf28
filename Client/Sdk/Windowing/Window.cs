namespace OrleansFlow.Windowing;

/// <summary>A group of elements a window function sees at once.</summary>
/// <remarks>
/// Serializable as a base type (Orleans needs a base codec for the derived windows' codecs), so window state
/// holding windows can be snapshotted and sent between silos.
/// </remarks>
[GenerateSerializer, Alias("flow.Window")]
public abstract record Window
{
    /// <summary>The largest timestamp that still belongs to the window; event-time windows fire when the watermark reaches it.</summary>
    public abstract long MaxTimestamp { get; }
}

/// <summary>
/// A time interval [<paramref name="Start"/>, <paramref name="End"/>): start inclusive, end exclusive, so a
/// timestamp equal to the end belongs to the next window.
/// </summary>
/// <param name="Start">The first timestamp in the window.</param>
/// <param name="End">The first timestamp after the window.</param>
[GenerateSerializer, Immutable, Alias("flow.TimeWindow")]
public sealed record TimeWindow([property: Id(0)] long Start, [property: Id(1)] long End) : Window
{
    /// <inheritdoc />
    public override long MaxTimestamp => End - 1;

    /// <summary>Equal when start and end are (what the generated record equality compares, without its type checks).</summary>
    /// <remarks>Windows are the keys of every key's window state, looked up for each element.</remarks>
    public bool Equals(TimeWindow? other) => other is not null && Start == other.Start && End == other.End;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Start, End);

    /// <summary>Whether the windows overlap or touch (Flink merges session windows that merely touch).</summary>
    public bool Intersects(TimeWindow other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Start <= other.End && End >= other.Start;
    }

    /// <summary>The smallest window covering both.</summary>
    public TimeWindow Cover(TimeWindow other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new TimeWindow(Math.Min(Start, other.Start), Math.Max(End, other.End));
    }

    /// <summary>
    /// The start of the window of size <paramref name="size"/> shifted by <paramref name="offset"/> that holds
    /// <paramref name="timestamp"/>: the largest <c>offset + k * size</c> not above it, negative timestamps included.
    /// </summary>
    public static long WindowStart(long timestamp, long offset, long size)
    {
        var remainder = (timestamp - offset) % size;
        return remainder < 0 ? timestamp - (remainder + size) : timestamp - remainder;
    }

    /// <inheritdoc />
    public override string ToString() => $"TimeWindow[{Start}, {End})";
}

/// <summary>The one window holding every element of a key; it fires by a count or custom trigger, or at end of input.</summary>
[GenerateSerializer, Immutable, Alias("flow.GlobalWindow")]
public sealed record GlobalWindow : Window
{
    /// <summary>The global window.</summary>
    public static GlobalWindow Instance { get; } = new();

    /// <inheritdoc />
    public override long MaxTimestamp => long.MaxValue;

    /// <inheritdoc />
    public override string ToString() => "GlobalWindow";
}
