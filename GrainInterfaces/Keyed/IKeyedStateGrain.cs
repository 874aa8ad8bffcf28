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
    ValueTask<KeyedOutput> ProcessAsync(KeyedInput input, int attempt, CancellationToken cancellationToken);

    /// <summary>Fires due timers of this key; returns what the timer callbacks emitted.</summary>
    [Alias("FireTimers")]
    ValueTask<KeyedOutput> FireTimersAsync(KeyedTimerInput input, int attempt, CancellationToken cancellationToken);

    /// <summary>The names of the states this key holds.</summary>
    [Alias("GetStateNames"), ReadOnly]
    Task<IReadOnlyList<string>> GetStateNamesAsync(CancellationToken cancellationToken);

    /// <summary>The value of a named state (a value, list or map), or null when the key has none.</summary>
    [Alias("GetState"), ReadOnly]
    Task<object?> GetStateAsync(string stateName, CancellationToken cancellationToken);
}
