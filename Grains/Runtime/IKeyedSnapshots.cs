using OrleansFlow.Checkpoints;
using OrleansFlow.Checkpointing.Segments;

namespace OrleansFlow.Runtime;

/// <summary>The checkpoint side of a keyed subtask, as <see cref="SubtaskCheckpointer"/> uses it (see <see cref="KeyedSnapshots"/>).</summary>
internal interface IKeyedSnapshots
{
    /// <summary>Barrier <paramref name="checkpointId"/>: starts writing the keyed state; the task completes when it is durable.</summary>
    (Task<KeyedCheckpoint> Delta, SegmentRef? Materializing) Capture(long checkpointId, int attempt, CancellationToken cancellationToken);

    /// <summary>The checkpoint will not be acknowledged: what was written for it goes.</summary>
    Task DiscardAsync(long checkpointId, int attempt);

    /// <summary>A checkpoint completed, its record naming <paramref name="confirmed"/> (when the coordinator says).</summary>
    void OnCompleted(long checkpointId, IReadOnlyList<SegmentRef>? confirmed);

    /// <summary>Stops and deletes a full segment that no checkpoint will name.</summary>
    Task AbandonMaterializationAsync();
}
