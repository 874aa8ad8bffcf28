namespace OrleansFlow;

/// <summary>
/// Whether a job's retained checkpoints survive the job being cancelled, so a later job can start from one with
/// <see cref="StreamExecutionEnvironment.RestoreFrom"/> (Flink's ExternalizedCheckpointRetention).
/// </summary>
/// <remarks>
/// Flink's third value, NO_EXTERNALIZED_CHECKPOINTS, has no counterpart: the submission carries only whether
/// checkpoints are kept on cancellation.
/// </remarks>
public enum ExternalizedCheckpointRetention
{
    /// <summary>Cancelling the job deletes its checkpoints (the default).</summary>
    DeleteOnCancellation = 0,

    /// <summary>Cancelling the job keeps its retained checkpoints.</summary>
    RetainOnCancellation = 1,
}
