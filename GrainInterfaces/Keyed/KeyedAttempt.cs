namespace OrleansFlow.Keyed;

/// <summary>
/// The job attempt a call to a per-key grain belongs to, with the checkpoint each attempt so far restored. A per-key
/// grain that sees a newer attempt first puts its state back as of that attempt's checkpoint; calls of an older
/// attempt are ignored. The whole history lets a grain that was not called for several attempts tell which of its
/// stored versions belong to checkpoints that never completed.
/// </summary>
/// <param name="Number">The attempt (0 for the first run; each restart adds one).</param>
/// <param name="RestorePoints">For attempts 0..Number, the checkpoint each started from (0 for none).</param>
/// <param name="SavepointCheckpointId">The savepoint's checkpoint id when the job started from a savepoint, else 0: a key
/// with no version of its own at a restored checkpoint at or after it reads the savepoint's.</param>
[GenerateSerializer, Immutable, Alias("flow.KeyedAttempt")]
public sealed record KeyedAttempt(
    [property: Id(0)] int Number,
    [property: Id(1)] long[] RestorePoints,
    [property: Id(2)] long SavepointCheckpointId = 0)
{
    /// <summary>The first attempt of a job, from no checkpoint.</summary>
    public static KeyedAttempt First { get; } = new(0, [0]);

    /// <summary>The checkpoint this attempt started from (0 for none).</summary>
    public long RestoredCheckpointId => RestorePoints[Number];

    /// <summary>
    /// Whether state written in <paramref name="attempt"/> for checkpoint <paramref name="checkpointId"/> can be part of
    /// a completed checkpoint: every later attempt restored a checkpoint at or after it (one written after the restore
    /// point of the next attempt never completed, since a restart aborts the checkpoints in progress).
    /// </summary>
    public bool IsValid(int attempt, long checkpointId)
    {
        for (var later = attempt + 1; later <= Number && later < RestorePoints.Length; later++)
        {
            if (checkpointId > RestorePoints[later])
            {
                return false;
            }
        }

        return true;
    }
}
