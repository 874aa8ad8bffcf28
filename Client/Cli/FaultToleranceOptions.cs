using System.Globalization;
using OrleansFlow.Examples;
using OrleansFlow.Jobs;

namespace OrleansFlow.Cli;

/// <summary>
/// The checkpointing, restart and restore flags of <c>flow run</c>, for any job. Values are checked against the SDK's
/// own rules when the command line is read, and errors name the flag.
/// </summary>
internal sealed class FaultToleranceOptions
{
    /// <summary>The flags, as lines of the help text.</summary>
    public static IReadOnlyList<string> Usage { get; } =
    [
        "[--checkpoint-interval D [--checkpoint-timeout D] [--max-concurrent-checkpoints N] [--min-pause D]",
        "  [--tolerable-checkpoint-failures N] [--checkpoint-mode exactly-once|at-least-once] [--retained-checkpoints N]]",
        "[--restart-attempts N [--restart-delay D]] [--from-savepoint ID|PATH [--allow-non-restored-state]] [--savepoint-on-interrupt]",
    ];

    private const string Interval = "--checkpoint-interval";
    private const string Timeout = "--checkpoint-timeout";
    private const string MaxConcurrent = "--max-concurrent-checkpoints";
    private const string MinPause = "--min-pause";
    private const string TolerableFailures = "--tolerable-checkpoint-failures";
    private const string Mode = "--checkpoint-mode";
    private const string Retained = "--retained-checkpoints";
    private const string RestartAttempts = "--restart-attempts";
    private const string RestartDelay = "--restart-delay";
    private const string FromSavepoint = "--from-savepoint";
    private const string AllowNonRestored = "--allow-non-restored-state";
    private const string OnInterrupt = "--savepoint-on-interrupt";

    private static readonly string[] CheckpointFlags = [Timeout, MaxConcurrent, MinPause, TolerableFailures, Mode, Retained];

    /// <summary>The text given for each flag, for messages.</summary>
    private readonly Dictionary<string, string> _given = new(StringComparer.Ordinal);

    /// <summary>
    /// Whether Ctrl+C stops the job with a savepoint (and prints its id) instead of cancelling it: how a job on the
    /// embedded silo, which no other process can reach, takes a savepoint.
    /// </summary>
    public bool SavepointOnInterrupt { get; private set; }

    /// <summary>Whether <c>--checkpoint-interval</c> was given.</summary>
    public bool CheckpointingEnabled => _given.ContainsKey(Interval);

    private bool _allowNonRestoredState;

    /// <summary>Whether <paramref name="flag"/> is one of these options that take no value.</summary>
    public static bool IsSwitch(string flag) => flag is AllowNonRestored or OnInterrupt;

    /// <summary>Reads a flag that takes no value.</summary>
    public void ReadSwitch(string flag)
    {
        switch (flag)
        {
            case AllowNonRestored:
                _allowNonRestoredState = true;
                break;
            case OnInterrupt:
                SavepointOnInterrupt = true;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(flag), flag, "Not a fault-tolerance switch.");
        }
    }

    /// <summary>Whether <paramref name="flag"/> is one of these options.</summary>
    public static bool Handles(string flag) =>
        flag is Interval or Timeout or MaxConcurrent or MinPause or TolerableFailures or Mode or Retained or RestartAttempts or RestartDelay or FromSavepoint;

    /// <summary>Reads one flag's value; malformed values fail naming the flag.</summary>
    public void Read(string flag, string value)
    {
        if (!Handles(flag))
        {
            throw new ArgumentOutOfRangeException(nameof(flag), flag, "Not a fault-tolerance option.");
        }

        switch (flag)
        {
            case Interval or Timeout or MinPause or RestartDelay:
                Durations.Parse(value, flag);
                break;
            case MaxConcurrent or TolerableFailures or Retained or RestartAttempts:
                Integer(flag, value);
                break;
            case Mode:
                ModeOf(value);
                break;
            case FromSavepoint when string.IsNullOrWhiteSpace(value):
                throw new UsageException($"{FromSavepoint} needs a savepoint id");
        }

        _given[flag] = value;
    }

    /// <summary>Fails, naming the flag, when a flag needs another that is missing or a value breaks the SDK's rules.</summary>
    public void Validate()
    {
        foreach (var flag in CheckpointFlags.Where(_given.ContainsKey))
        {
            if (!_given.ContainsKey(Interval))
            {
                throw new UsageException($"{flag} needs {Interval}");
            }
        }

        if (_given.ContainsKey(RestartDelay) && !_given.ContainsKey(RestartAttempts))
        {
            throw new UsageException($"{RestartDelay} needs {RestartAttempts}");
        }

        if (_allowNonRestoredState && !_given.ContainsKey(FromSavepoint))
        {
            throw new UsageException($"{AllowNonRestored} needs {FromSavepoint}");
        }

        if (SavepointOnInterrupt && !_given.ContainsKey(Interval))
        {
            throw new UsageException($"{OnInterrupt} needs {Interval} (savepoints travel as checkpoint barriers)");
        }

        var env = new StreamExecutionEnvironment(executor: null);
        ApplyTo(env);
        if ((env.CheckpointConfig.FindProblem() ?? env.RestartStrategy?.FindProblem()) is { } problem)
        {
            var flag = FlagOf(problem.Setting);
            throw new UsageException($"{flag} {problem.Rule}, got '{_given[flag]}'");
        }
    }

    /// <summary>Sets the given options on <paramref name="env"/>; options not given keep the SDK's defaults.</summary>
    public void ApplyTo(StreamExecutionEnvironment env)
    {
        var config = env.CheckpointConfig;
        if (Get(Interval) is { } interval)
        {
            env.EnableCheckpointing(Durations.Parse(interval, Interval), Get(Mode) is { } mode ? ModeOf(mode) : CheckpointingMode.ExactlyOnce);
        }

        if (Get(Timeout) is { } timeout)
        {
            config.CheckpointTimeout = Durations.Parse(timeout, Timeout);
        }

        if (Get(MaxConcurrent) is { } maxConcurrent)
        {
            config.MaxConcurrentCheckpoints = Integer(MaxConcurrent, maxConcurrent);
        }

        if (Get(MinPause) is { } minPause)
        {
            config.MinPauseBetweenCheckpoints = Durations.Parse(minPause, MinPause);
        }

        if (Get(TolerableFailures) is { } tolerable)
        {
            config.TolerableCheckpointFailureNumber = Integer(TolerableFailures, tolerable);
        }

        if (Get(Retained) is { } retained)
        {
            config.RetainedCheckpoints = Integer(Retained, retained);
        }

        if (Get(RestartAttempts) is { } attempts)
        {
            var delay = Get(RestartDelay) is { } text ? Durations.Parse(text, RestartDelay) : RestartStrategy.DefaultDelay;
            env.SetRestartStrategy(RestartStrategy.FixedDelay(Integer(RestartAttempts, attempts), delay));
        }

        if (Get(FromSavepoint) is { } savepoint)
        {
            env.RestoreFrom(savepoint, _allowNonRestoredState);
        }
    }

    private static string FlagOf(string setting) => setting switch
    {
        nameof(CheckpointConfig.CheckpointInterval) => Interval,
        nameof(CheckpointConfig.CheckpointTimeout) => Timeout,
        nameof(CheckpointConfig.MaxConcurrentCheckpoints) => MaxConcurrent,
        nameof(CheckpointConfig.MinPauseBetweenCheckpoints) => MinPause,
        nameof(CheckpointConfig.TolerableCheckpointFailureNumber) => TolerableFailures,
        nameof(CheckpointConfig.RetainedCheckpoints) => Retained,
        nameof(RestartStrategy.RestartAttempts) => RestartAttempts,
        nameof(RestartStrategy.Delay) => RestartDelay,
        _ => throw new InvalidOperationException($"No flag sets {setting}."),
    };

    private static int Integer(string flag, string text) =>
        int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new UsageException($"{flag} expects an integer, got '{text}'");

    private static CheckpointingMode ModeOf(string text) => text switch
    {
        "exactly-once" => CheckpointingMode.ExactlyOnce,
        "at-least-once" => CheckpointingMode.AtLeastOnce,
        _ => throw new UsageException($"{Mode} must be exactly-once or at-least-once, got '{text}'"),
    };

    private string? Get(string flag) => _given.GetValueOrDefault(flag);
}
