using OrleansFlow.Checkpoints;

namespace OrleansFlow.Checkpointing;

/// <summary>
/// Deletes snapshot segments no checkpoint needs any more, in the background and one deletion after another; a
/// failed deletion leaves the segment behind and is never thrown. <see cref="SegmentDeletionQueue"/> is the real one.
/// </summary>
internal interface ISegmentDeleter
{
    /// <summary>Queues the deletion of <paramref name="segments"/>.</summary>
    void Delete(IReadOnlyList<SegmentRef> segments);

    /// <summary>Queues the deletion of the segments stored under <paramref name="storageKeys"/>, those that exist.</summary>
    void DeleteKeys(IReadOnlyList<string> storageKeys);

    /// <summary>Completes when every deletion queued so far has ended.</summary>
    Task DrainAsync();
}
