namespace OrleansFlow.Checkpointing.Segments;

/// <summary>One key in a snapshot segment: its state as of the segment's barrier, or its removal (no state any more).</summary>
/// <param name="KeyText">The key's canonical text.</param>
/// <param name="Key">The key, as the key selector returned it.</param>
/// <param name="Image">The key's state and timers (a key image); null or empty when the key has neither.</param>
internal readonly record struct SegmentItem(string KeyText, object Key, byte[]? Image)
{
    /// <summary>Whether the item removes the key (it has no state as of the segment's barrier).</summary>
    public bool IsRemoval => Image is not { Length: > 0 };
}
