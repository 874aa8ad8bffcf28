namespace OrleansFlow.Tests.Processes;

/// <summary>
/// When to kill silos, from a seed: each kill comes a seeded random time after the previous one (or after the job
/// started running), between <see cref="MinGap"/> and <see cref="MinGap"/> + <see cref="Spread"/>, and picks a
/// seeded random live silo. The seed is in every failure message; <c>ORLEANSFLOW_CRASH_SEED</c> overrides it.
/// </summary>
internal sealed class CrashSchedule
{
    public const string SeedVariable = "ORLEANSFLOW_CRASH_SEED";
    private static readonly TimeSpan MinGap = TimeSpan.FromSeconds(2.5);
    private static readonly TimeSpan Spread = TimeSpan.FromSeconds(3);
    private readonly Random _random;

    public CrashSchedule(int defaultSeed)
    {
        Seed = Environment.GetEnvironmentVariable(SeedVariable) is { Length: > 0 } text && int.TryParse(text, out var seed) ? seed : defaultSeed;
        _random = new Random(Seed);
    }

    public int Seed { get; }

    /// <summary>How long to wait before the next kill.</summary>
    public TimeSpan NextDelay() => MinGap + (Spread * _random.NextDouble());

    /// <summary>Which of <paramref name="live"/> to kill next.</summary>
    public T Pick<T>(IReadOnlyList<T> live) => live[_random.Next(live.Count)];
}
