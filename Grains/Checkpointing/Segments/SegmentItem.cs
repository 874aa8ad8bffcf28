using OrleansFlow.Keyed;

namespace OrleansFlow.Checkpointing.Segments;

/// <summary>One key in a snapshot segment: its state as of the segment's barrier, or its removal (no state any more).</summary>
/// <param name="KeyText">The key's canonical text.</param>
/// <param name="Key">The key, as the key selector returned it.</param>
/// <param name="Snapshot">The key's state; null, or one without an image, when the key has no state.</param>
internal readonly record struct SegmentItem(string KeyText, object Key, KeySnapshot? Snapshot)
{
    /// <summary>Whether the item removes the key (it has no state as of the segment's barrier).</summary>
    public bool IsRemoval => Snapshot?.Image is null;
}
