namespace UserJob;

/// <summary>The accumulator of one sensor's window: a mutable class of the job's own, kept in window state.</summary>
public sealed class WindowStats
{
    /// <summary>Readings so far.</summary>
    public long Count { get; set; }

    /// <summary>Their sum.</summary>
    public long Sum { get; set; }

    /// <summary>Their maximum.</summary>
    public long Max { get; set; } = long.MinValue;
}
