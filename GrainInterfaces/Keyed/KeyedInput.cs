namespace OrleansFlow.Keyed;

/// <summary>
/// All records of one batch that belong to one key, in channel order, plus the event-time context.
/// Marked immutable: Orleans passes it without copying inside a silo. The records may be a range of arrays shared
/// with other keys' inputs (<paramref name="Offset"/>, <paramref name="Count"/>); sent to another silo, only the range
/// travels (see <see cref="KeyedInputConverter"/>).
/// </summary>
/// <param name="Key">The key, as the key selector returned it.</param>
/// <param name="Records">An array of the operator's input type.</param>
/// <param name="Timestamps">Event timestamps parallel to the records, or null.</param>
/// <param name="Watermark">The operator's watermark after these records (timers up to it fire after the records).</param>
/// <param name="ProcessingTime">The task's clock at dispatch (ms since the Unix epoch).</param>
/// <param name="Watermarks">The watermark in effect when each record is processed, parallel to the records, or null
/// when it is <paramref name="Watermark"/> for all; due timers fire before the record they precede.</param>
/// <param name="Offset">Index of this key's first record in <paramref name="Records"/>, <paramref name="Timestamps"/>
/// and <paramref name="Watermarks"/>.</param>
/// <param name="Count">Number of this key's records, or -1 for the rest of <paramref name="Records"/> from
/// <paramref name="Offset"/>.</param>
[Immutable, Alias("flow.KeyedInput")]
public sealed record KeyedInput(
    object Key,
    object Records,
    long[]? Timestamps,
    long Watermark,
    long ProcessingTime,
    long[]? Watermarks = null,
    int Offset = 0,
    int Count = -1)
{
    /// <summary>Number of this key's records.</summary>
    public int Length => Count >= 0 ? Count : ((Array)Records).Length - Offset;
}
