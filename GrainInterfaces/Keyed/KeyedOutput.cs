namespace OrleansFlow.Keyed;

/// <summary>What a per-key grain emitted, and the timers it changed, while it handled one call.</summary>
/// <param name="Records">An array of the operator's output type, or null when nothing was emitted.</param>
/// <param name="Timestamps">Timestamps of the output records, or null.</param>
/// <param name="Timers">Timers registered or deleted, or null.</param>
[GenerateSerializer, Immutable, Alias("flow.KeyedOutput")]
public sealed record KeyedOutput(
    [property: Id(0)] object? Records,
    [property: Id(1)] long[]? Timestamps,
    [property: Id(2)] TimerChange[]? Timers)
{
    /// <summary>Nothing emitted, no timers changed.</summary>
    public static KeyedOutput Empty { get; } = new(null, null, null);
}
