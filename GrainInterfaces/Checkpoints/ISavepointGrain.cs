using Orleans.Concurrency;

namespace OrleansFlow.Checkpoints;

/// <summary>
/// One savepoint (key: its id). Holds the savepoint's metadata through grain persistence (provider
/// <see cref="FlowNames.CheckpointStorage"/>), so it outlives the job that took it, its cancellation and silo restarts.
/// </summary>
[Alias("flow.ISavepointGrain")]
public interface ISavepointGrain : IGrainWithStringKey
{
    /// <summary>Stores the savepoint's metadata (durable when the call returns).</summary>
    [Alias("Store")]
    Task StoreAsync(SavepointMetadata metadata, CancellationToken cancellationToken);

    /// <summary>The savepoint's metadata, or null when there is no savepoint with this id.</summary>
    [Alias("Get"), ReadOnly]
    Task<SavepointMetadata?> GetAsync(CancellationToken cancellationToken);
}
