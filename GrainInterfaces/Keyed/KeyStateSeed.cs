namespace OrleansFlow.Keyed;

/// <summary>
/// The state a per-key grain starts from in a job attempt, sent by its keyed subtask with the first call of the attempt
/// (the key's state in the checkpoint the attempt restored) and with the first call after the key was passivated.
/// </summary>
/// <param name="Image">The key's state and timers (a serialized key image), or null for a key with neither.</param>
[GenerateSerializer, Immutable, Alias("flow.KeyStateSeed")]
public sealed record KeyStateSeed([property: Id(0)] byte[]? Image)
{
    /// <summary>A key with no state.</summary>
    public static KeyStateSeed Empty { get; } = new((byte[]?)null);
}
