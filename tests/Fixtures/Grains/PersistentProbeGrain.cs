namespace OrleansFlow.Tests.Fixtures.Grains;

/// <summary>Writes and reads a <see cref="ProbeState"/> through the checkpoint storage provider, by name only.</summary>
[GrainType("flow.tests.persistent-probe")]
public sealed class PersistentProbeGrain(
    [PersistentState("probe", FlowNames.CheckpointStorage)] IPersistentState<ProbeState> state) : Grain, IPersistentProbeGrain
{
    private readonly Guid _activation = Guid.NewGuid();

    public async Task WriteAsync(string text, long[] values, CancellationToken cancellationToken)
    {
        state.State.Text = text;
        state.State.Values = [.. values];
        await state.WriteStateAsync(cancellationToken);
    }

    public Task<(string Text, long[] Values, bool RecordExists, Guid Activation)> ReadAsync(CancellationToken cancellationToken) =>
        Task.FromResult((state.State.Text, state.State.Values.ToArray(), state.RecordExists, _activation));

    public Task ClearAsync(CancellationToken cancellationToken) => state.ClearStateAsync(cancellationToken);

    public Task DeactivateAsync(CancellationToken cancellationToken)
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }
}
