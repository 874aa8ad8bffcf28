namespace OrleansFlow.Messages;

/// <summary>
/// A sender's answer to a receiver that is missing batches of their channel (<see cref="Tasks.ITaskGrain.FetchBatchesAsync"/>).
/// </summary>
/// <param name="Holds">
/// Whether the sender still holds every requested batch it has sent. False when the receiver already acknowledged
/// some of them as processed, or the sender does not run this attempt (<paramref name="SenderLost"/>): those batches are lost.
/// </param>
/// <param name="Batches">The requested batches the sender has sent, in sequence order (none when <paramref name="Holds"/> is false).</param>
/// <param name="SenderLost">
/// The call reached an activation of the sender that never ran this attempt: the task that sent the batches is gone
/// (its silo died, or was declared dead), so nothing it sent and its receivers have not processed can come back.
/// </param>
[GenerateSerializer, Immutable, Alias("flow.ChannelReplay")]
public sealed record ChannelReplay(
    [property: Id(0)] bool Holds,
    [property: Id(1)] ChannelBatch[] Batches,
    [property: Id(2)] bool SenderLost = false)
{
    /// <summary>The answer of a sender that no longer holds some of the batches (the receiver acknowledged them).</summary>
    public static ChannelReplay Lost { get; } = new(false, []);

    /// <summary>The answer of an activation of the sender that never ran this attempt (see <see cref="SenderLost"/>).</summary>
    public static ChannelReplay NotDeployed { get; } = new(false, [], SenderLost: true);
}
