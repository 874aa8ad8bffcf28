namespace OrleansFlow.Sinks;

/// <summary>
/// A sink writer that takes part in checkpoints with a two-phase commit, so its committed output equals a
/// failure-free run after any number of restarts (exactly-once). Records written between two checkpoint barriers are
/// kept pending; <see cref="PrepareCommitAsync"/> seals them for checkpoint n when barrier n reaches the sink, and
/// <see cref="CommitAsync"/> makes them visible once checkpoint n has completed everywhere. A writer created for a
/// restarted job finds what it sealed before in <see cref="SinkContext.Restore"/>: it commits what belongs to the
/// restored checkpoint (or earlier) and discards the rest. Commits must be idempotent: a commit can be repeated
/// after a crash.
/// <para>
/// End of input: <see cref="ISinkWriter{T}.FinishAsync"/> seals the records after the last barrier as a final part
/// with checkpoint id <see cref="long.MaxValue"/>; <c>CommitAsync(long.MaxValue)</c>, called once the whole job has
/// finished and before the writer is disposed, makes it visible. <c>PrepareCommitAsync(long.MaxValue)</c> after
/// <c>FinishAsync</c> seals nothing and returns the state naming the final part (a writer restored with it commits it).
/// </para>
/// </summary>
/// <typeparam name="T">Record type.</typeparam>
public interface ICommittingSinkWriter<in T> : ISinkWriter<T>
{
    /// <summary>
    /// Barrier <paramref name="checkpointId"/> arrived: make the pending records durable as belonging to that
    /// checkpoint (not yet visible). Returns the state to store with the checkpoint (may be empty), which the writer
    /// gets back in <see cref="SinkContext.Restore"/> after a restore.
    /// </summary>
    ValueTask<byte[]> PrepareCommitAsync(long checkpointId, CancellationToken cancellationToken);

    /// <summary>Checkpoint <paramref name="checkpointId"/> completed: make everything sealed up to it visible. Idempotent.</summary>
    ValueTask CommitAsync(long checkpointId, CancellationToken cancellationToken);
}

/// <summary>What a restarted sink writer finds of the checkpoint it resumes from.</summary>
/// <param name="CheckpointId">The restored checkpoint; everything the writer sealed up to it must become visible.</param>
/// <param name="State">What the writer's <see cref="ICommittingSinkWriter{T}.PrepareCommitAsync"/> returned for it.</param>
public sealed record SinkRestore(long CheckpointId, byte[] State);
