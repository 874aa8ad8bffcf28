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

    /// <summary>The savepoint or retained checkpoint (id or path) jobs start from, set with <see cref="RestoreFrom"/>; null to start empty.</summary>
    public string? SavepointRestorePath { get; private set; }

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
    /// Makes the jobs this environment submits start from a savepoint or retained checkpoint, given by its id or path
    /// (as <c>flink run -s</c>): operator state is restored from it and sources resume from the positions it recorded.
    /// </summary>
    public StreamExecutionEnvironment RestoreFrom(string savepointIdOrPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(savepointIdOrPath);
        SavepointRestorePath = savepointIdOrPath;
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
    }
}
