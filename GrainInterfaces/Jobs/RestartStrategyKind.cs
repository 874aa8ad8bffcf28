namespace OrleansFlow.Jobs;

/// <summary>What a job does when a task fails or a silo dies (Flink's restart strategies).</summary>
public enum RestartStrategyKind
{
    /// <summary>The job fails on the first failure.</summary>
    None = 0,

    /// <summary>Restart after a fixed delay, at most a number of times.</summary>
    FixedDelay = 1,

    /// <summary>Restart after a delay while failures within an interval stay under a maximum.</summary>
    FailureRate = 2,
}
