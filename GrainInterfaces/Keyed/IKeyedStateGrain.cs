using Orleans.Concurrency;

namespace OrleansFlow.Keyed;

/// <summary>
/// The state of one key of one keyed operator of one job (key: <see cref="GrainKeys.KeyedState"/>). It runs the
/// operator's function for its key and can be read while the job runs (queryable state). Its keyed subtask owns the
/// key's snapshots: it seeds the grain with the key's state on the first call of an attempt and after a passivation,
/// keeps the copy of its state each answer brings when checkpointing is on, and passivates the grain when the key has
/// been idle.
/// </summary>
[Alias("flow.IKeyedStateGrain")]
public interface IKeyedStateGrain : IGrainWithStringKey
{
    /// <summary>
    /// Runs the keyed operator over records of this key in job attempt <paramref name="attempt"/>; returns what it
    /// emitted. <paramref name="seed"/> replaces the key's live state first (the subtask sends it on the first call
    /// of an attempt and after a passivation); without one, the grain must already hold the attempt's live state, or
    /// the output says it was lost. Calls of an attempt older than the grain's are ignored. <paramref name="sequence"/>
    /// numbers the subtask's calls (increasing; a call sent again keeps its number): an unseeded call whose number
    /// already ran is not run twice, and the output says so. With <paramref name="copyState"/> the output carries a
    /// copy of the key's state after the call.
    /// </summary>
    [Alias("Process")]
    ValueTask<KeyedOutput> ProcessAsync(KeyedInput input, int attempt, long sequence, KeyStateSeed? seed, bool copyState, CancellationToken cancellationToken);

    /// <summary>Fires due timers of this key (seeded and copied as for <see cref="ProcessAsync"/>); returns what the timer callbacks emitted.</summary>
    [Alias("FireTimers")]
    ValueTask<KeyedOutput> FireTimersAsync(KeyedTimerInput input, int attempt, long sequence, KeyStateSeed? seed, bool copyState, CancellationToken cancellationToken);

    /// <summary>
    /// The key has been idle: hands its state over (<see cref="KeyedOutput.StateImage"/>, when <paramref name="copyState"/>;
    /// else none: the subtask already holds a current copy) and deactivates. The next call brings the state back as a
    /// seed. An activation that holds no live state of the attempt answers that it was lost.
    /// </summary>
    [Alias("Passivate")]
    ValueTask<KeyedOutput> PassivateAsync(int attempt, bool copyState, CancellationToken cancellationToken);

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
