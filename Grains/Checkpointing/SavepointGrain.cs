using OrleansFlow.Checkpoints;

namespace OrleansFlow.Checkpointing;

/// <summary>One savepoint's metadata, kept through grain persistence (<see cref="FlowNames.CheckpointStorage"/>).</summary>
[GrainType("flow.savepoint")]
internal sealed class SavepointGrain(
    [PersistentState("savepoint", FlowNames.CheckpointStorage)] IPersistentState<SavepointState> state) : Grain, ISavepointGrain
{
    public async Task StoreAsync(SavepointMetadata metadata, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        state.State.Metadata = metadata;
        await state.WriteOwnedStateAsync(cancellationToken);
    }

    public Task<SavepointMetadata?> GetAsync(CancellationToken cancellationToken) => Task.FromResult(state.State.Metadata);
}

/// <summary>What a savepoint grain persists.</summary>
[GenerateSerializer, Alias("flow.SavepointState")]
internal sealed class SavepointState
{
    [Id(0)]
    public SavepointMetadata? Metadata { get; set; }
}
