namespace OrleansFlow.Tests.Fixtures.Grains;

/// <summary>A grain whose state lives in <see cref="FlowNames.CheckpointStorage"/>.</summary>
[Alias("flow.tests.IPersistentProbeGrain")]
public interface IPersistentProbeGrain : IGrainWithStringKey
{
    /// <summary>Sets the state and writes it.</summary>
    [Alias("Write")]
    Task WriteAsync(string text, long[] values, CancellationToken cancellationToken);

    /// <summary>The in-memory state and the id of this activation (a new one after deactivation).</summary>
    [Alias("Read")]
    Task<(string Text, long[] Values, bool RecordExists, Guid Activation)> ReadAsync(CancellationToken cancellationToken);

    /// <summary>Clears the stored state.</summary>
    [Alias("Clear")]
    Task ClearAsync(CancellationToken cancellationToken);

    /// <summary>Deactivates the grain once the call returns.</summary>
    [Alias("Deactivate")]
    Task DeactivateAsync(CancellationToken cancellationToken);
}
