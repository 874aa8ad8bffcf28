using System.Globalization;

namespace OrleansFlow.Jobs;

/// <summary>
/// Decides, failure by failure, whether a job restarts, as Flink's restart strategies. It only decides: the caller
/// reports each failure and owns the restart and its timer.
/// <list type="bullet">
/// <item><description><see cref="RestartStrategyKind.None"/> gives up on the first failure.</description></item>
/// <item><description><see cref="RestartStrategyKind.FixedDelay"/> grants <c>MaxAttempts</c> restarts over the job's
/// life, each after <c>DelayMs</c>; the failure after the last one gives up.</description></item>
/// <item><description><see cref="RestartStrategyKind.FailureRate"/> restarts after <c>DelayMs</c> while at most
/// <c>MaxFailuresPerInterval</c> failures fall within the sliding <c>FailureRateIntervalMs</c> ending now (both ends
/// included, as in Flink); the failure that makes it one more gives up.</description></item>
/// </list>
/// Once it has given up it keeps giving the same answer.
/// </summary>
/// <remarks>
/// Failure rate follows Flink's documentation ("maximum number of restarts in a given time interval"): with a
/// maximum of 3, three failures within the interval restart and the fourth fails the job. Flink's current
/// FailureRateRestartBackoffTimeStrategy counts the failure it is deciding on before checking and so already fails on
/// the third.
/// </remarks>
internal sealed class RestartPolicy
{
    private readonly TimeProvider _time;
    private readonly Queue<DateTimeOffset> _recentFailures = new();
    private RestartDecision? _gaveUp;

    /// <summary>Creates a policy for one job's life.</summary>
    public RestartPolicy(RestartStrategySettings settings, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfNegative(settings.DelayMs);
        if (settings.Kind == RestartStrategyKind.FixedDelay)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(settings.MaxAttempts);
        }
        else if (settings.Kind == RestartStrategyKind.FailureRate)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(settings.MaxFailuresPerInterval, 1);
            ArgumentOutOfRangeException.ThrowIfLessThan(settings.FailureRateIntervalMs, 1);
        }
        else if (settings.Kind != RestartStrategyKind.None)
        {
            throw new ArgumentOutOfRangeException(nameof(settings), settings.Kind, "Unknown restart strategy.");
        }

        Settings = settings;
        _time = time;
    }

    /// <summary>The strategy.</summary>
    public RestartStrategySettings Settings { get; }

    /// <summary>Restarts granted so far.</summary>
    public int Attempts { get; private set; }

    /// <summary>
    /// The strategy a submission asks for: its own, or when it has none Flink's default (fixed delay, unlimited
    /// attempts, 1 s, when checkpointing is on; no restart otherwise).
    /// </summary>
    public static RestartStrategySettings SettingsFor(JobSubmission submission)
    {
        ArgumentNullException.ThrowIfNull(submission);
        return submission.Restart ?? RestartStrategy.Resolve(null, submission.Checkpointing?.IsEnabled == true);
    }

    /// <summary>Records a failure now (by the time provider) and decides.</summary>
    public RestartDecision OnFailure() => OnFailure(_time.GetUtcNow());

    /// <summary>Records a failure at <paramref name="now"/> and decides whether to restart.</summary>
    public RestartDecision OnFailure(DateTimeOffset now)
    {
        if (_gaveUp is { } final)
        {
            return final;
        }

        var reason = Settings.Kind switch
        {
            RestartStrategyKind.FixedDelay => FixedDelayRefusal(),
            RestartStrategyKind.FailureRate => FailureRateRefusal(now),
            _ => "restarts are disabled (restart strategy: none)",
        };
        if (reason is not null)
        {
            _gaveUp = RestartDecision.GiveUp(reason, Attempts);
            return _gaveUp.Value;
        }

        Attempts++;
        return RestartDecision.RestartAfter(TimeSpan.FromMilliseconds(Settings.DelayMs), Attempts);
    }

    private string? FixedDelayRefusal() =>
        Attempts < Settings.MaxAttempts
            ? null
            : string.Create(CultureInfo.InvariantCulture, $"restart attempts exhausted ({Attempts} of {Settings.MaxAttempts})");

    private string? FailureRateRefusal(DateTimeOffset now)
    {
        var interval = TimeSpan.FromMilliseconds(Settings.FailureRateIntervalMs);
        _recentFailures.Enqueue(now);
        while (now - _recentFailures.Peek() > interval)
        {
            _recentFailures.Dequeue();
        }

        return _recentFailures.Count <= Settings.MaxFailuresPerInterval
            ? null
            : string.Create(CultureInfo.InvariantCulture,
                $"failure rate exceeded: {_recentFailures.Count} failures within {Format(Settings.FailureRateIntervalMs)} (max {Settings.MaxFailuresPerInterval})");
    }

    /// <summary>A duration in the largest of h, m, s, ms that shows it exactly (60000 → 1m, 1500 → 1500ms).</summary>
    private static string Format(long milliseconds) => milliseconds switch
    {
        _ when milliseconds % 3_600_000 == 0 => string.Create(CultureInfo.InvariantCulture, $"{milliseconds / 3_600_000}h"),
        _ when milliseconds % 60_000 == 0 => string.Create(CultureInfo.InvariantCulture, $"{milliseconds / 60_000}m"),
        _ when milliseconds % 1_000 == 0 => string.Create(CultureInfo.InvariantCulture, $"{milliseconds / 1_000}s"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{milliseconds}ms"),
    };
}
