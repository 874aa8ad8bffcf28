namespace OrleansFlow.Checkpointing;

/// <summary>What a version conflict on a fenced write turns out to be, once the stored record has been read.</summary>
internal enum FencedConflict
{
    /// <summary>The stored record carries our token: an earlier write of ours landed after all.</summary>
    OwnWriteLanded,

    /// <summary>Another activation wrote since we read: we are stale.</summary>
    Stale,

    /// <summary>
    /// We held a stored version (an ETag) yet storage has no record now: storage lost it (a Redis restarted empty or
    /// flushed). Nothing the job remembers (attempt, checkpoints) can be trusted.
    /// </summary>
    StorageLost,
}

/// <summary>
/// Tells lost storage from an ordinary version conflict (issue 13, item 4). No component of OrleansFlow deletes a job
/// manager's or coordinator's record while an activation drives it, so a record that vanished under an activation
/// that had read or written it was lost by storage; before this check it looked like "another activation wrote"
/// and the activation stepped aside, over and over, while the job seemed to run.
/// </summary>
internal static class StorageLossCheck
{
    /// <summary>
    /// Classifies a conflict: <paramref name="etagBeforeWrite"/> is the version the activation wrote over (null for a
    /// record it never found), <paramref name="recordExists"/> and <paramref name="storedWriter"/> what a fresh read found.
    /// </summary>
    public static FencedConflict Classify(string? etagBeforeWrite, bool recordExists, string? storedWriter, string writer)
    {
        if (etagBeforeWrite is not null && !recordExists)
        {
            return FencedConflict.StorageLost;
        }

        return storedWriter == writer ? FencedConflict.OwnWriteLanded : FencedConflict.Stale;
    }

    /// <summary>The exception for a lost record of state type <paramref name="stateType"/>.</summary>
    public static Jobs.StorageLostException Lost(Type stateType)
    {
        ArgumentNullException.ThrowIfNull(stateType);
        var what = stateType == typeof(Jobs.JobManagerState) ? "the job manager's record"
            : stateType == typeof(CoordinatorState) ? "the checkpoint coordinator's record"
            : $"a {stateType.Name} record";
        return new($"cluster storage lost {what}: it was stored and is gone now (was Redis restarted without persistence, or flushed?); the job cannot go on from its checkpoints");
    }
}
