using OrleansFlow.Messages;

namespace OrleansFlow.Runtime;

/// <summary>
/// Where a <see cref="CheckpointedInputGate"/> hands a channel's records and markers, in channel order (after Flink's
/// DataOutput). Every call names its channel, so a task can tell its logical inputs apart
/// (<see cref="ChannelBatch.InputIndex"/>, <see cref="CheckpointedInputGate.InputOf"/>).
/// </summary>
internal interface IInputGateOutput
{
    /// <summary>Records <paramref name="start"/> to <paramref name="end"/> (exclusive) of a batch, never empty.</summary>
    void OnRecords(ChannelBatch batch, int start, int end);

    /// <summary>A channel's watermark marker.</summary>
    void OnWatermark((int Vertex, int Subtask) channel, long watermark);

    /// <summary>A channel became idle or active again.</summary>
    void OnWatermarkStatus((int Vertex, int Subtask) channel, bool idle);

    /// <summary>A channel ended (its end-of-input marker); called before alignment counts the end.</summary>
    void OnChannelEnded((int Vertex, int Subtask) channel);
}
