namespace OrleansFlow.Jobs;

/// <summary>A job's restart strategy, fixed at submission.</summary>
/// <param name="Kind">Which strategy.</param>
/// <param name="MaxAttempts">Fixed delay: most restarts over the job's life.</param>
/// <param name="DelayMs">Wait before each restart.</param>
/// <param name="MaxFailuresPerInterval">Failure rate: most failures within <paramref name="FailureRateIntervalMs"/>.</param>
/// <param name="FailureRateIntervalMs">Failure rate: the sliding interval failures are counted in.</param>
[GenerateSerializer, Immutable, Alias("flow.RestartStrategySettings")]
public sealed record RestartStrategySettings(
    [property: Id(0)] RestartStrategyKind Kind,
    [property: Id(1)] int MaxAttempts = 0,
    [property: Id(2)] long DelayMs = 0,
    [property: Id(3)] int MaxFailuresPerInterval = 0,
    [property: Id(4)] long FailureRateIntervalMs = 0)
{
    /// <summary>No restarts.</summary>
    public static RestartStrategySettings NoRestart { get; } = new(RestartStrategyKind.None);
}
