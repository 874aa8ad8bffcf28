namespace OrleansFlow.Keyed;

/// <summary>What a per-key grain emitted, and the timers it changed, while it handled one call.</summary>
/// <param name="Records">An array of the operator's output type, or null when nothing was emitted.</param>
/// <param name="Timestamps">Timestamps of the output records, or null.</param>
/// <param name="Timers">Timers registered or deleted, or null.</param>
/// <param name="SideOutputs">Records emitted to side outputs (late data, tagged outputs), or null.</param>
/// <param name="StateLost">The call came without a seed to a grain that holds no live state of its attempt (a new
/// activation: its silo died): nothing was processed, and the attempt must restart from its checkpoint.</param>
/// <param name="Repeated">The call came without a seed and had run before (the subtask sent it again after its answer
/// was reported lost): it was not run twice, what it emitted the first time is gone, and the attempt must restart.</param>
/// <param name="StateImage">A copy of the key's state and timers after the call (a serialized key image; empty for a key
/// with neither), when the subtask asked for one: with checkpointing on it always holds every key's current state, so
/// a checkpoint barrier calls no key. Null when no copy was asked for.</param>
[GenerateSerializer, Immutable, Alias("flow.KeyedOutput")]
public sealed record KeyedOutput(
    [property: Id(0)] object? Records,
    [property: Id(1)] long[]? Timestamps,
    [property: Id(2)] TimerChange[]? Timers,
    [property: Id(3)] IReadOnlyList<SideOutputBatch>? SideOutputs = null,
    [property: Id(4)] bool StateLost = false,
    [property: Id(5)] byte[]? StateImage = null,
    [property: Id(6)] bool Repeated = false)
{
    /// <summary>Nothing emitted, no timers changed.</summary>
    public static KeyedOutput Empty { get; } = new(null, null, null);

    /// <summary>The answer of a grain whose live state was lost.</summary>
    public static KeyedOutput Lost { get; } = new(null, null, null, StateLost: true);

    /// <summary>The answer to a call that had run before.</summary>
    public static KeyedOutput RepeatedCall { get; } = new(null, null, null, Repeated: true);
}

/// <summary>Records a call emitted to one side output.</summary>
/// <param name="Tag">The side output's tag id.</param>
/// <param name="Records">An array of the side output's element type.</param>
/// <param name="Timestamps">Their timestamps, or null.</param>
[GenerateSerializer, Immutable, Alias("flow.SideOutputBatch")]
public sealed record SideOutputBatch(
    [property: Id(0)] string Tag,
    [property: Id(1)] object Records,
    [property: Id(2)] long[]? Timestamps);
