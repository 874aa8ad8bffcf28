namespace OrleansFlow.Keyed;

/// <summary>Timers of one key that are due, in time order.</summary>
/// <param name="Key">The key.</param>
/// <param name="Domain">Which clock they follow.</param>
/// <param name="Timestamps">Due timer times, ascending.</param>
/// <param name="Watermark">The operator's current watermark.</param>
/// <param name="ProcessingTime">The task's clock at dispatch (ms since the Unix epoch).</param>
[GenerateSerializer, Immutable, Alias("flow.KeyedTimerInput")]
public sealed record KeyedTimerInput(
    [property: Id(0)] object Key,
    [property: Id(1)] TimeDomain Domain,
    [property: Id(2)] long[] Timestamps,
    [property: Id(3)] long Watermark,
    [property: Id(4)] long ProcessingTime);
