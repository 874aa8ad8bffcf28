namespace OrleansFlow.Tests.Processes;

/// <summary>
/// When to kill silos, from a seed: each kill comes after the job completed a seeded number of checkpoints (1 to
/// <see cref="MaxCheckpointsBetweenKills"/>) since the previous kill (or since it started), and picks a seeded random
/// live silo. The seed is in every failure message; <c>ORLEANSFLOW_CRASH_SEED</c> overrides it.
/// </summary>
internal sealed class CrashSchedule
{
    public const string SeedVariable = "ORLEANSFLOW_CRASH_SEED";
    private const int MaxCheckpointsBetweenKills = 3;
    private readonly Random _random;

    public CrashSchedule(int defaultSeed)
    {
        Seed = Environment.GetEnvironmentVariable(SeedVariable) is { Length: > 0 } text && int.TryParse(text, out var seed) ? seed : defaultSeed;
        _random = new Random(Seed);
    }

    public int Seed { get; }

    /// <summary>How many checkpoints the job completes before the next kill.</summary>
    public int NextCheckpoints() => 1 + _random.Next(MaxCheckpointsBetweenKills);

    /// <summary>Which of <paramref name="live"/> to kill next.</summary>
    public T Pick<T>(IReadOnlyList<T> live) => live[_random.Next(live.Count)];
}
