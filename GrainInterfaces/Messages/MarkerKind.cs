namespace OrleansFlow.Messages;

/// <summary>The kinds of control element that travel in order with records on a channel.</summary>
public enum MarkerKind : byte
{
    /// <summary>The sender will send nothing more on this channel.</summary>
    EndOfInput = 0,

    /// <summary>An event-time watermark: no later record on this channel has a smaller timestamp (Value is the time).</summary>
    Watermark = 1,

    /// <summary>A checkpoint barrier (Value is the checkpoint id).</summary>
    CheckpointBarrier = 2,

    /// <summary>The sender is idle (Value 1) or active again (Value 0) for watermark purposes.</summary>
    WatermarkStatus = 3,
}
