namespace OrleansFlow.Keyed;

/// <summary>A timer a per-key grain registered or deleted while it processed a call.</summary>
/// <param name="Timestamp">When the timer fires (ms).</param>
/// <param name="Domain">Event or processing time.</param>
/// <param name="Deleted">True when the timer was deleted rather than registered.</param>
[GenerateSerializer, Immutable, Alias("flow.TimerChange")]
public readonly record struct TimerChange(
    [property: Id(0)] long Timestamp,
    [property: Id(1)] TimeDomain Domain,
    [property: Id(2)] bool Deleted);
