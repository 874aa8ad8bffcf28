namespace OrleansFlow.Keyed.Migration;

/// <summary>What a per-key grain activation hands to its successor on another silo when it migrates.</summary>
/// <param name="Image">The key's live state and timers (a serialized <c>KeyStateImage</c>).</param>
/// <param name="Attempt">The job attempt the state belongs to.</param>
/// <param name="Fresh">Whether the activation had restored for its attempt and not yet told its subtask so.</param>
/// <param name="Writes">The outcome of every snapshot write the subtask has not yet awaited.</param>
[GenerateSerializer, Immutable, Alias("flow.KeyedLiveState")]
internal sealed record KeyedLiveState(
    [property: Id(0)] byte[] Image,
    [property: Id(1)] KeyedAttempt Attempt,
    [property: Id(2)] bool Fresh,
    [property: Id(3)] SnapshotWriteOutcome[] Writes);
