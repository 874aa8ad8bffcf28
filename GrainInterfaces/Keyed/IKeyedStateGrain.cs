using Orleans.Concurrency;

namespace OrleansFlow.Keyed;

/// <summary>
/// The state of one key of one keyed operator of one job (key: <see cref="GrainKeys.KeyedState"/>).
/// It runs the operator's function for its key and can be read while the job runs (queryable state).
/// </summary>
[Alias("flow.IKeyedStateGrain")]
public interface IKeyedStateGrain : IGrainWithStringKey
{
    /// <summary>Runs the keyed operator over records of this key; returns what it emitted.</summary>
    [Alias("Process")]
    ValueTask<KeyedOutput> ProcessAsync(KeyedInput input, KeyedAttempt attempt, CancellationToken cancellationToken);

    /// <summary>Fires due timers of this key; returns what the timer callbacks emitted.</summary>
    [Alias("FireTimers")]
    ValueTask<KeyedOutput> FireTimersAsync(KeyedTimerInput input, KeyedAttempt attempt, CancellationToken cancellationToken);

    /// <summary>
    /// Barrier <paramref name="checkpointId"/>: copies this key's state as of now (every earlier record of the key has
    /// been processed) and starts writing it through grain persistence without waiting, so records after the barrier
    /// can be processed at once. <paramref name="lastCompletedId"/> lets the grain drop versions no restore can need;
    /// the versions of <paramref name="pinnedCheckpoints"/> (savepoints) are kept.
    /// </summary>
    /// <returns>Whether the grain's activation was fresh (see <see cref="KeyedOutput.FreshActivation"/>).</returns>
    [Alias("BeginSnapshot")]
    ValueTask<bool> BeginSnapshotAsync(long checkpointId, long lastCompletedId, long[] pinnedCheckpoints, KeyedAttempt attempt, CancellationToken cancellationToken);

    /// <summary>Waits until the write started by <see cref="BeginSnapshotAsync"/> is durable; returns its size in bytes. Throws if it failed.</summary>
    [Alias("AwaitSnapshot"), AlwaysInterleave]
    Task<long> AwaitSnapshotAsync(long checkpointId, CancellationToken cancellationToken);

    /// <summary>The value of a named state (a value, list or map), or null when the key has none.</summary>
    [Alias("GetState"), ReadOnly]
    Task<object?> GetStateAsync(string stateName, CancellationToken cancellationToken);

    /// <summary>
    /// Every state of this key rendered as text on the silo (by name), so that a client without the job's types (the
    /// CLI reading a job of uploaded code) can show them.
    /// </summary>
    [Alias("GetStateText"), ReadOnly]
    Task<IReadOnlyDictionary<string, string?>> GetStateTextAsync(CancellationToken cancellationToken);
}
