using OrleansFlow.Jobs;

namespace OrleansFlow;

/// <summary>
/// Checkpointing settings of jobs built by an environment, as Flink's CheckpointConfig. Checkpointing is off until
/// <see cref="CheckpointInterval"/> is set, usually through <see cref="StreamExecutionEnvironment.EnableCheckpointing"/>.
/// Values are checked when a job is submitted: an invalid one fails the submission with an
/// <see cref="ArgumentOutOfRangeException"/> naming the setting.
/// </summary>
public sealed class CheckpointConfig
{
    /// <summary>The shortest interval and timeout Flink accepts (its MINIMAL_CHECKPOINT_TIME).</summary>
    public static TimeSpan MinimalCheckpointTime { get; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Time between the starts of periodic checkpoints; null (the default) disables checkpointing. At least 10 ms.</summary>
    public TimeSpan? CheckpointInterval { get; set; }

    /// <summary>Whether periodic checkpoints are taken.</summary>
    public bool IsCheckpointingEnabled => CheckpointInterval is not null;

    /// <summary>A checkpoint not complete after this long is aborted (default 10 minutes, as Flink). At least 10 ms.</summary>
    public TimeSpan CheckpointTimeout { get; set; } = TimeSpan.FromMilliseconds(CheckpointSettings.Disabled.TimeoutMs);

    /// <summary>
    /// Most checkpoints in progress at once (default 1, at least 1). A non-zero <see cref="MinPauseBetweenCheckpoints"/>
    /// limits this to 1, as in Flink.
    /// </summary>
    public int MaxConcurrentCheckpoints { get; set; } = CheckpointSettings.Disabled.MaxConcurrent;

    /// <summary>
    /// Least time from the end of one checkpoint to the start of the next (default 0, not negative). When set, only
    /// one checkpoint runs at a time, and an interval shorter than the pause is raised to it, as in Flink.
    /// </summary>
    public TimeSpan MinPauseBetweenCheckpoints { get; set; } = TimeSpan.FromMilliseconds(CheckpointSettings.Disabled.MinPauseMs);

    /// <summary>Consecutive failed checkpoints tolerated before the job fails (default 0: the first failure fails the job).</summary>
    public int TolerableCheckpointFailureNumber { get; set; } = CheckpointSettings.Disabled.TolerableFailures;

    /// <summary>Exactly-once (aligned barriers, the default) or at-least-once.</summary>
    public CheckpointingMode Mode { get; set; } = CheckpointSettings.Disabled.Mode;

    /// <summary>Completed checkpoints kept to restore from (default 1, at least 1; Flink's state.checkpoints.num-retained).</summary>
    public int RetainedCheckpoints { get; set; } = CheckpointSettings.Disabled.Retained;

    /// <summary>Whether retained checkpoints survive cancelling the job (default: deleted).</summary>
    public ExternalizedCheckpointRetention ExternalizedCheckpointRetention { get; set; } = ExternalizedCheckpointRetention.DeleteOnCancellation;

    /// <summary>
    /// Longest a keyed subtask's checkpoints build on one full snapshot segment before it writes a new one in the
    /// background (default 10 minutes, as Flink's changelog state backend materializes). Each checkpoint writes only
    /// the keys changed since the previous completed one; a full segment is also written whenever those deltas add up
    /// to more than twice the state, so a restore never reads much more than the state itself.
    /// </summary>
    public TimeSpan MaterializationInterval { get; set; } = TimeSpan.FromMilliseconds(CheckpointSettings.Disabled.MaterializationIntervalMs);

    /// <summary>The first setting that breaks its rule, or null when all are valid.</summary>
    internal SettingProblem? FindProblem()
    {
        if (CheckpointInterval is { } interval && interval < MinimalCheckpointTime)
        {
            return Problem(nameof(CheckpointInterval), "must be at least 10 ms", SettingProblem.Format(interval));
        }

        if (CheckpointTimeout < MinimalCheckpointTime)
        {
            return Problem(nameof(CheckpointTimeout), "must be at least 10 ms", SettingProblem.Format(CheckpointTimeout));
        }

        if (MaxConcurrentCheckpoints < 1)
        {
            return Problem(nameof(MaxConcurrentCheckpoints), "must be at least 1", Number(MaxConcurrentCheckpoints));
        }

        if (MinPauseBetweenCheckpoints < TimeSpan.Zero)
        {
            return Problem(nameof(MinPauseBetweenCheckpoints), "must not be negative", SettingProblem.Format(MinPauseBetweenCheckpoints));
        }

        if (TolerableCheckpointFailureNumber < 0)
        {
            return Problem(nameof(TolerableCheckpointFailureNumber), "must not be negative", Number(TolerableCheckpointFailureNumber));
        }

        if (!Enum.IsDefined(Mode))
        {
            return Problem(nameof(Mode), "must be ExactlyOnce or AtLeastOnce", Number((int)Mode));
        }

        if (RetainedCheckpoints < 1)
        {
            return Problem(nameof(RetainedCheckpoints), "must be at least 1", Number(RetainedCheckpoints));
        }

        if (MaterializationInterval < MinimalCheckpointTime)
        {
            return Problem(nameof(MaterializationInterval), "must be at least 10 ms", SettingProblem.Format(MaterializationInterval));
        }

        if (!Enum.IsDefined(ExternalizedCheckpointRetention))
        {
            return Problem(nameof(ExternalizedCheckpointRetention), "must be DeleteOnCancellation or RetainOnCancellation", Number((int)ExternalizedCheckpointRetention));
        }

        return null;
    }

    /// <summary>Checks every setting and returns the submission's settings, or null when checkpointing is off.</summary>
    internal CheckpointSettings? ToSettings()
    {
        if (FindProblem() is { } problem)
        {
            throw problem.ToException();
        }

        return CheckpointInterval is { } interval
            ? new CheckpointSettings(
                Milliseconds(interval),
                Milliseconds(CheckpointTimeout),
                MaxConcurrentCheckpoints,
                Milliseconds(MinPauseBetweenCheckpoints),
                TolerableCheckpointFailureNumber,
                Mode,
                RetainedCheckpoints,
                RetainOnCancel: ExternalizedCheckpointRetention == ExternalizedCheckpointRetention.RetainOnCancellation,
                MaterializationIntervalMs: Milliseconds(MaterializationInterval))
            : null;
    }

    internal void CopyFrom(CheckpointConfig other)
    {
        CheckpointInterval = other.CheckpointInterval;
        CheckpointTimeout = other.CheckpointTimeout;
        MaxConcurrentCheckpoints = other.MaxConcurrentCheckpoints;
        MinPauseBetweenCheckpoints = other.MinPauseBetweenCheckpoints;
        TolerableCheckpointFailureNumber = other.TolerableCheckpointFailureNumber;
        Mode = other.Mode;
        RetainedCheckpoints = other.RetainedCheckpoints;
        ExternalizedCheckpointRetention = other.ExternalizedCheckpointRetention;
        MaterializationInterval = other.MaterializationInterval;
    }

    private static SettingProblem Problem(string setting, string rule, string actual) => new(nameof(CheckpointConfig), setting, rule, actual);

    private static string Number(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static long Milliseconds(TimeSpan value) => (long)value.TotalMilliseconds;
}
