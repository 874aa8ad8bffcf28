namespace OrleansFlow.Checkpointing;

/// <summary>
/// Hands out checkpoint ids, as Flink's CheckpointIDCounter: ids start at 1, strictly increase and never repeat,
/// also across a coordinator failover, provided the owner persists <see cref="LastId"/> (the high-water mark)
/// before it uses an id and passes it back to the constructor when it comes back.
/// </summary>
internal sealed class CheckpointIdCounter
{
    /// <summary>Creates a counter that continues after the last id handed out before (0 when there was none).</summary>
    /// <param name="lastIdSeen">The persisted high-water mark: the largest id ever handed out or restored.</param>
    public CheckpointIdCounter(long lastIdSeen = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(lastIdSeen);
        LastId = lastIdSeen;
    }

    /// <summary>The largest id handed out (or observed) so far; the value to persist.</summary>
    public long LastId { get; private set; }

    /// <summary>Returns the next id, one above <see cref="LastId"/>.</summary>
    /// <exception cref="InvalidOperationException">Every id up to <see cref="long.MaxValue"/> has been used.</exception>
    public long Next()
    {
        if (LastId == long.MaxValue)
        {
            throw new InvalidOperationException("Checkpoint ids are exhausted.");
        }

        return ++LastId;
    }

    /// <summary>
    /// Raises the high-water mark to an id found elsewhere (for example the latest completed checkpoint in storage,
    /// which may be newer than a stale persisted counter), so that <see cref="Next"/> never returns it again.
    /// A smaller id is ignored.
    /// </summary>
    public void Observe(long checkpointId)
    {
        if (checkpointId > LastId)
        {
            LastId = checkpointId;
        }
    }
}
