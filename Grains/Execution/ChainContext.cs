namespace OrleansFlow.Execution;

/// <summary>
/// What the operators of one subtask's chain share while a record passes through them: the record's event
/// timestamp (null for none). Chained operators keep it (a map's output has its input's timestamp), the assigner
/// replaces it, and channel outputs send it along. A subtask processes one record at a time, so one instance suffices.
/// </summary>
internal sealed class ChainContext
{
    public long? Timestamp { get; set; }

    /// <summary>The clock of the subtask (tests drive it with a fake one).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}

/// <summary>A chain element that control elements pass through, in order with records.</summary>
internal interface IChainElement
{
    /// <summary>The watermark advanced to <paramref name="watermark"/>.</summary>
    void OnWatermark(long watermark);

    /// <summary>The stream became idle (true) or active again (false) for watermark purposes.</summary>
    void OnIdleChanged(bool idle);
}

/// <summary>Forwards control elements to the next element of the chain, if it takes them.</summary>
internal static class ChainElements
{
    public static void ForwardWatermark(object next, long watermark) => (next as IChainElement)?.OnWatermark(watermark);

    public static void ForwardIdle(object next, bool idle) => (next as IChainElement)?.OnIdleChanged(idle);
}
