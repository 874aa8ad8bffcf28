namespace OrleansFlow.Checkpointing;

/// <summary>A checkpoint every task acknowledged: what the coordinator records, retains and restores from.</summary>
/// <param name="CheckpointId">The checkpoint's id.</param>
/// <param name="TriggerTime">When the coordinator triggered it.</param>
/// <param name="CompletionTime">When the last acknowledgement had arrived and it was completed.</param>
/// <param name="TotalStateSize">The sum of the state sizes the tasks reported, in bytes.</param>
/// <param name="TaskStateSizes">Each task's (vertex, subtask) reported state size, in bytes.</param>
internal sealed record CompletedCheckpoint(
    long CheckpointId,
    DateTimeOffset TriggerTime,
    DateTimeOffset CompletionTime,
    long TotalStateSize,
    IReadOnlyDictionary<(int Vertex, int Subtask), long> TaskStateSizes)
{
    /// <summary>From trigger to completion.</summary>
    public TimeSpan Duration => CompletionTime - TriggerTime;
}
