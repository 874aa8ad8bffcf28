namespace OrleansFlow.Messages;

/// <summary>
/// One stream event on an operator channel: a run of records of one type, with control markers placed between them.
/// A channel is one sender subtask to one receiver subtask; its batches carry consecutive sequence numbers, so a
/// receiver can prove it lost nothing.
/// </summary>
[GenerateSerializer, Immutable, Alias("flow.ChannelBatch")]
public sealed class ChannelBatch
{
    /// <summary>The execution attempt that sent it; batches from older attempts are discarded.</summary>
    [Id(0)] public int Attempt { get; init; }

    /// <summary>The sending vertex.</summary>
    [Id(1)] public int SenderVertex { get; init; }

    /// <summary>The sending subtask.</summary>
    [Id(2)] public int SenderSubtask { get; init; }

    /// <summary>Index of the receiving vertex's input this channel feeds (for operators with several inputs).</summary>
    [Id(3)] public int InputIndex { get; init; }

    /// <summary>Sequence number of this batch on its channel, from 0.</summary>
    [Id(4)] public long Sequence { get; init; }

    /// <summary>The records: an array of the channel's element type, exactly as long as the batch, or null.</summary>
    [Id(5)] public object? Records { get; init; }

    /// <summary>Event timestamps of the records, parallel to <see cref="Records"/>, or null when none are assigned.</summary>
    [Id(6)] public long[]? Timestamps { get; init; }

    /// <summary>Control markers ordered by position, or null.</summary>
    [Id(7)] public ChannelMarker[]? Markers { get; init; }

    /// <summary>Number of records in <see cref="Records"/>.</summary>
    public int Count => (Records as Array)?.Length ?? 0;
}
