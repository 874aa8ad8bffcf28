using System.Globalization;
using OrleansFlow.Jobs;

namespace OrleansFlow;

/// <summary>
/// What a job does when a task fails, as Flink's restart strategies; set it with
/// <see cref="StreamExecutionEnvironment.SetRestartStrategy"/>. Without one a job uses Flink's default: when
/// checkpointing is enabled, <see cref="FixedDelay"/> with <see cref="int.MaxValue"/> attempts and a 1 s delay;
/// otherwise <see cref="NoRestart"/>. Values are checked when the job is submitted.
/// </summary>
public sealed class RestartStrategy
{
    /// <summary>The delay of the default strategy used when checkpointing is on and no strategy is set.</summary>
    public static TimeSpan DefaultDelay { get; } = TimeSpan.FromSeconds(1);

    private RestartStrategy(RestartStrategyKind kind, int restartAttempts, TimeSpan delay, int maxFailuresPerInterval, TimeSpan failureRateInterval)
    {
        Kind = kind;
        RestartAttempts = restartAttempts;
        Delay = delay;
        MaxFailuresPerInterval = maxFailuresPerInterval;
        FailureRateInterval = failureRateInterval;
    }

    /// <summary>Which strategy this is.</summary>
    public RestartStrategyKind Kind { get; }

    /// <summary>Fixed delay: most restarts over the job's life.</summary>
    public int RestartAttempts { get; }

    /// <summary>Wait before each restart.</summary>
    public TimeSpan Delay { get; }

    /// <summary>Failure rate: the job fails when more failures than this fall within <see cref="FailureRateInterval"/>.</summary>
    public int MaxFailuresPerInterval { get; }

    /// <summary>Failure rate: the sliding interval failures are counted in.</summary>
    public TimeSpan FailureRateInterval { get; }

    /// <summary>The job fails on its first failure.</summary>
    public static RestartStrategy NoRestart() => new(RestartStrategyKind.None, 0, TimeSpan.Zero, 0, TimeSpan.Zero);

    /// <summary>
    /// Restarts the job after <paramref name="delay"/>, at most <paramref name="restartAttempts"/> times over its life;
    /// the next failure fails it. Attempts and delay must not be negative.
    /// </summary>
    public static RestartStrategy FixedDelay(int restartAttempts, TimeSpan delay) =>
        new(RestartStrategyKind.FixedDelay, restartAttempts, delay, 0, TimeSpan.Zero);

    /// <summary>
    /// Restarts the job after <paramref name="delay"/> as long as no more than <paramref name="maxFailuresPerInterval"/>
    /// failures fall within any <paramref name="failureRateInterval"/> (ends included); the failure that exceeds the
    /// rate fails the job. The maximum and the interval must be positive, the delay not negative.
    /// </summary>
    public static RestartStrategy FailureRate(int maxFailuresPerInterval, TimeSpan failureRateInterval, TimeSpan delay) =>
        new(RestartStrategyKind.FailureRate, 0, delay, maxFailuresPerInterval, failureRateInterval);

    /// <summary>The settings a job gets: the configured strategy, or Flink's default for its checkpointing.</summary>
    internal static RestartStrategySettings Resolve(RestartStrategy? configured, bool checkpointingEnabled) =>
        configured?.ToSettings()
        ?? (checkpointingEnabled ? FixedDelay(int.MaxValue, DefaultDelay).ToSettings() : RestartStrategySettings.NoRestart);

    /// <summary>The first value that breaks its rule, or null when all are valid.</summary>
    internal SettingProblem? FindProblem() => Kind switch
    {
        RestartStrategyKind.None => null,
        RestartStrategyKind.FixedDelay when RestartAttempts < 0 =>
            Problem(nameof(RestartAttempts), "must not be negative", RestartAttempts.ToString(CultureInfo.InvariantCulture)),
        RestartStrategyKind.FailureRate when MaxFailuresPerInterval < 1 =>
            Problem(nameof(MaxFailuresPerInterval), "must be at least 1", MaxFailuresPerInterval.ToString(CultureInfo.InvariantCulture)),
        RestartStrategyKind.FailureRate when FailureRateInterval < TimeSpan.FromMilliseconds(1) =>
            Problem(nameof(FailureRateInterval), "must be at least 1 ms", SettingProblem.Format(FailureRateInterval)),
        _ when Delay < TimeSpan.Zero => Problem(nameof(Delay), "must not be negative", SettingProblem.Format(Delay)),
        _ => null,
    };

    /// <summary>Checks the values and returns the submission's settings.</summary>
    internal RestartStrategySettings ToSettings()
    {
        if (FindProblem() is { } problem)
        {
            throw problem.ToException();
        }

        return Kind == RestartStrategyKind.None
            ? RestartStrategySettings.NoRestart
            : new RestartStrategySettings(Kind, RestartAttempts, (long)Delay.TotalMilliseconds, MaxFailuresPerInterval, (long)FailureRateInterval.TotalMilliseconds);
    }

    private SettingProblem Problem(string setting, string rule, string actual) => new($"{nameof(RestartStrategy)}.{Kind}", setting, rule, actual);
}
