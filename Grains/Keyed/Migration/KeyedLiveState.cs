namespace OrleansFlow.Keyed.Migration;

/// <summary>What a per-key grain activation hands to its successor on another silo when it migrates.</summary>
/// <param name="Image">The key's live state and timers (a serialized key image).</param>
/// <param name="Attempt">The job attempt the state belongs to.</param>
/// <param name="LastSequence">The sequence number of the last call the grain ran in that attempt.</param>
[GenerateSerializer, Immutable, Alias("flow.KeyedLiveState")]
internal sealed record KeyedLiveState(
    [property: Id(0)] byte[] Image,
    [property: Id(1)] int Attempt,
    [property: Id(2)] long LastSequence);
