namespace OrleansFlow.Keyed;

/// <summary>
/// All records of one batch that belong to one key, in channel order, plus the event-time context.
/// Marked immutable: Orleans passes it without copying inside a silo.
/// </summary>
/// <param name="Key">The key, as the key selector returned it.</param>
/// <param name="Records">An array of the operator's input type.</param>
/// <param name="Timestamps">Event timestamps parallel to the records, or null.</param>
/// <param name="Watermark">The operator's watermark after these records (timers up to it fire after the records).</param>
/// <param name="ProcessingTime">The task's clock at dispatch (ms since the Unix epoch).</param>
/// <param name="Watermarks">The watermark in effect when each record is processed, parallel to the records, or null
/// when it is <paramref name="Watermark"/> for all; due timers fire before the record they precede.</param>
[GenerateSerializer, Immutable, Alias("flow.KeyedInput")]
public sealed record KeyedInput(
    [property: Id(0)] object Key,
    [property: Id(1)] object Records,
    [property: Id(2)] long[]? Timestamps,
    [property: Id(3)] long Watermark,
    [property: Id(4)] long ProcessingTime,
    [property: Id(5)] long[]? Watermarks = null);
