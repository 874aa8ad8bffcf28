namespace OrleansFlow.Messages;

/// <summary>
/// A control element in a <see cref="ChannelBatch"/>. It takes effect after the first <see cref="Position"/>
/// records of the batch and before the rest, so markers never overtake the records sent before them.
/// </summary>
/// <param name="Position">How many of the batch's records precede this marker.</param>
/// <param name="Kind">What the marker is.</param>
/// <param name="Value">Watermark time, checkpoint id or idleness flag, depending on <paramref name="Kind"/>.</param>
[GenerateSerializer, Immutable, Alias("flow.ChannelMarker")]
public readonly record struct ChannelMarker(
    [property: Id(0)] int Position,
    [property: Id(1)] MarkerKind Kind,
    [property: Id(2)] long Value);
