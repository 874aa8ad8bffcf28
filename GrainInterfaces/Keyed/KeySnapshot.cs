namespace OrleansFlow.Keyed;

/// <summary>A copy of one key's state taken by its per-key grain (at a checkpoint barrier or when it is passivated).</summary>
/// <param name="Image">The serialized state and timers (a <c>KeyStateImage</c>), or null when the key has neither.</param>
/// <param name="EventTimers">The key's pending event-time timers, ascending (also in the image; here for the subtask's timer index).</param>
/// <param name="ProcessingTimers">The key's pending processing-time timers, ascending.</param>
/// <param name="StateLost">The grain had no live state of the attempt to copy (its activation is new: its silo died).</param>
[GenerateSerializer, Immutable, Alias("flow.KeySnapshot")]
public sealed record KeySnapshot(
    [property: Id(0)] byte[]? Image,
    [property: Id(1)] long[] EventTimers,
    [property: Id(2)] long[] ProcessingTimers,
    [property: Id(3)] bool StateLost = false)
{
    /// <summary>The answer of a grain that had no live state to copy.</summary>
    public static KeySnapshot Lost { get; } = new(null, [], [], StateLost: true);

    /// <summary>Bytes of the image.</summary>
    public int Size => Image?.Length ?? 0;
}
