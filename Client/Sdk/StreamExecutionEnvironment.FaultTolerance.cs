using OrleansFlow.Jobs;

namespace OrleansFlow;

/// <content>Checkpointing, restart strategy and the checkpoint a job starts from.</content>
public sealed partial class StreamExecutionEnvironment
{
    /// <summary>
    /// Checkpointing settings (interval, timeout, concurrency, pause, tolerated failures, mode, retention) of the
    /// jobs this environment submits. Checked when a job is submitted.
    /// </summary>
    public CheckpointConfig CheckpointConfig { get; } = new();

    /// <summary>The restart strategy set with <see cref="SetRestartStrategy"/>, or null for Flink's default (see <see cref="OrleansFlow.RestartStrategy"/>).</summary>
    public RestartStrategy? RestartStrategy { get; private set; }

    /// <summary>The savepoint (its id) jobs start from, set with <see cref="RestoreFrom"/>; null to start empty.</summary>
    public string? SavepointRestorePath { get; private set; }

    /// <summary>Whether state of the savepoint that no operator takes is dropped instead of failing the submission (see <see cref="RestoreFrom"/>).</summary>
    public bool AllowNonRestoredState { get; private set; }

    /// <summary>The shared submission token sent with each job, set with <see cref="WithSubmissionToken"/>; null for none.</summary>
    public string? SubmissionToken { get; private set; }

    /// <summary>
    /// Sends <paramref name="token"/> with every job this environment submits, for a cluster whose silos require one
    /// (<c>flow silo --submission-token</c>); a cluster that requires none ignores it.
    /// </summary>
    public StreamExecutionEnvironment WithSubmissionToken(string token)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(token);
        SubmissionToken = token;
        return this;
    }

    /// <summary>
    /// Takes a checkpoint every <paramref name="interval"/> (at least 10 ms) in the given mode, as Flink's
    /// enableCheckpointing. The other settings are on <see cref="CheckpointConfig"/>.
    /// </summary>
    public StreamExecutionEnvironment EnableCheckpointing(TimeSpan interval, CheckpointingMode mode = CheckpointingMode.ExactlyOnce)
    {
        CheckpointConfig.CheckpointInterval = interval;
        CheckpointConfig.Mode = mode;
        return this;
    }

    /// <summary>Sets what jobs do when a task fails: <c>RestartStrategy.FixedDelay(3, TimeSpan.FromSeconds(10))</c>, say.</summary>
    public StreamExecutionEnvironment SetRestartStrategy(RestartStrategy strategy)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        RestartStrategy = strategy;
        return this;
    }

    /// <summary>
    /// Makes the jobs this environment submits start from a savepoint, given by its id (as <c>flink run -s</c>; the id
    /// <see cref="JobClient.TriggerSavepointAsync(CancellationToken)"/> or <c>flow savepoint</c> returned). Each submission is a new job
    /// (new job id): sources resume from the savepoint's positions, keyed state, windows and timers come back as of
    /// the savepoint, and exactly-once sinks continue the output the savepoint committed. State is matched to
    /// operators by uid (<see cref="DataStream{T}.Uid"/>; operators without one by kind and position); a submission
    /// fails, naming the operator, when state has no operator to go to, unless <paramref name="allowNonRestoredState"/>
    /// (Flink's <c>--allowNonRestoredState</c>) drops it. An unknown id fails the submission too.
    /// </summary>
    public StreamExecutionEnvironment RestoreFrom(string savepointIdOrPath, bool allowNonRestoredState = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(savepointIdOrPath);
        SavepointRestorePath = savepointIdOrPath;
        AllowNonRestoredState = allowNonRestoredState;
        return this;
    }

    /// <summary>Copies the settings of <paramref name="template"/> (a job's build starts from the submitting environment's).</summary>
    internal void CopySettingsFrom(StreamExecutionEnvironment template)
    {
        SetParallelism(template.Parallelism);
        Config.CopyFrom(template.Config);
        CheckpointConfig.CopyFrom(template.CheckpointConfig);
        RestartStrategy = template.RestartStrategy;
        SavepointRestorePath = template.SavepointRestorePath;
        AllowNonRestoredState = template.AllowNonRestoredState;
        SubmissionToken = template.SubmissionToken;
    }
}
