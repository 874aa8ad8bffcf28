namespace OrleansFlow.Messages;

/// <summary>
/// A sender's answer to a receiver that is missing batches of their channel (<see cref="Tasks.ITaskGrain.FetchBatchesAsync"/>).
/// </summary>
/// <param name="Holds">
/// Whether the sender still holds every requested batch it has sent. False when the receiver already acknowledged
/// some of them as processed or the sender does not run this attempt (its silo died): those batches are lost.
/// </param>
/// <param name="Batches">The requested batches the sender has sent, in sequence order (none when <paramref name="Holds"/> is false).</param>
[GenerateSerializer, Immutable, Alias("flow.ChannelReplay")]
public sealed record ChannelReplay(
    [property: Id(0)] bool Holds,
    [property: Id(1)] ChannelBatch[] Batches)
{
    /// <summary>The answer of a sender that cannot fill the gap.</summary>
    public static ChannelReplay Lost { get; } = new(false, []);
}
