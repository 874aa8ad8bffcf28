using Microsoft.Extensions.Logging;

namespace OrleansFlow.Hosting;

/// <summary>Settings of the embedded, in-process silo.</summary>
public sealed class LocalEnvironmentOptions
{
    /// <summary>Where checkpoints go unless configured otherwise, relative to the current directory.</summary>
    public const string DefaultCheckpointDirectory = "data/checkpoints";

    /// <summary>Lowest level of runtime log messages written to standard error (default Warning).</summary>
    public LogLevel LogLevel { get; set; } = LogLevel.Warning;

    /// <summary>
    /// Lowest level of the framework's log messages (Orleans, Microsoft, System and Polly categories) written to
    /// standard error (default Warning); <see cref="LogLevel.None"/> keeps them off the console.
    /// </summary>
    public LogLevel FrameworkLogLevel { get; set; } = LogLevel.Warning;

    /// <summary>Default parallelism of the environment (default: the number of processors).</summary>
    public int? Parallelism { get; set; }

    /// <summary>
    /// Directory of the checkpoint storage (default <see cref="DefaultCheckpointDirectory"/>, relative to the current
    /// directory when the silo starts). Created if missing; the silo fails to start if it cannot be written.
    /// </summary>
    public string CheckpointDirectory { get; set; } = DefaultCheckpointDirectory;
}
