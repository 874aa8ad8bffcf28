using System.Globalization;

namespace OrleansFlow.Checkpoints;

/// <summary>
/// One snapshot segment of a keyed subtask: the images of the keys that changed since its previous completed
/// checkpoint (a delta), or of all its keys (a full segment), as of one checkpoint barrier. It is stored through grain
/// persistence in parts (<see cref="Parts"/>) under keys derived from its identity (<see cref="StorageKey"/>). A keyed
/// subtask's state at a checkpoint is a chain of segments: the newest full one, then the deltas after it, oldest first.
/// </summary>
/// <param name="JobId">The job that wrote it (a job restored from a savepoint reads the segments of the job that took it).</param>
/// <param name="OperatorId">The keyed operator, in that job.</param>
/// <param name="Subtask">The subtask that wrote it.</param>
/// <param name="Attempt">The job attempt that wrote it.</param>
/// <param name="CheckpointId">The checkpoint whose barrier it was taken at.</param>
/// <param name="Full">Whether it holds every key of the subtask (earlier segments are then not needed to restore).</param>
/// <param name="Parts">How many storage objects its entries are split into.</param>
/// <param name="Entries">How many keys it holds (images and removals).</param>
/// <param name="Bytes">The size of its parts, in bytes.</param>
/// <param name="ETags">The storage versions of its manifest (first) and its parts, so it can be deleted without reading it.</param>
/// <param name="Since">For a delta: the checkpoint after which it holds every change (the barrier of the chain it
/// extends), so it also extends any chain of a later checkpoint. 0 for a full segment.</param>
[GenerateSerializer, Immutable, Alias("flow.SegmentRef")]
public sealed record SegmentRef(
    [property: Id(0)] string JobId,
    [property: Id(1)] int OperatorId,
    [property: Id(2)] int Subtask,
    [property: Id(3)] int Attempt,
    [property: Id(4)] long CheckpointId,
    [property: Id(5)] bool Full,
    [property: Id(6)] int Parts,
    [property: Id(7)] int Entries,
    [property: Id(8)] long Bytes,
    [property: Id(9)] string?[]? ETags = null,
    [property: Id(10)] long Since = 0)
{
    /// <summary>The storage key of the segment's manifest (its parts are stored under it, <c>{key}/{part}</c>).</summary>
    public string StorageKey => Key(JobId, OperatorId, Subtask, Attempt, CheckpointId, Full);

    /// <summary>
    /// The storage key of the manifest of the segment a subtask writes at a checkpoint: its delta, or (<paramref name="full"/>)
    /// the full segment it materializes from that barrier on.
    /// </summary>
    public static string Key(string jobId, int operatorId, int subtask, int attempt, long checkpointId, bool full) =>
        string.Create(CultureInfo.InvariantCulture, $"{jobId}/{operatorId}/{subtask}/{attempt}/{checkpointId}{(full ? "f" : "")}");

    /// <summary>Whether two references name the same stored segment.</summary>
    public bool SameSegment(SegmentRef other) => other is not null && StorageKey == other.StorageKey;
}
