using OrleansFlow.Checkpoints;
using OrleansFlow.Jobs;

namespace OrleansFlow.Checkpointing;

/// <summary>What the checkpoint coordinator persists: the id high-water mark, the retained checkpoints and the history.</summary>
[GenerateSerializer, Alias("flow.CoordinatorState")]
internal sealed class CoordinatorState : IFencedState
{
    /// <summary>The largest id handed out (persisted before its barrier is sent, so ids never repeat).</summary>
    [Id(0)]
    public long LastId { get; set; }

    /// <summary>
    /// The attempt being checkpointed (once the job ended, <see cref="JobEnded"/>, the last one: acknowledgements its
    /// subtasks send late still get what they wrote deleted), or -1 before the first.
    /// </summary>
    [Id(1)]
    public int Attempt { get; set; } = -1;

    /// <summary>Retained completed checkpoints, oldest first.</summary>
    [Id(2)]
    public List<RetainedCheckpoint> Retained { get; set; } = [];

    /// <summary>Recent checkpoints, newest first.</summary>
    [Id(3)]
    public List<CheckpointStats> History { get; set; } = [];

    [Id(4)]
    public int CompletedCount { get; set; }

    [Id(5)]
    public int FailedCount { get; set; }

    /// <summary>Whether the job has ended (the reminder is gone and nothing restarts it).</summary>
    [Id(6)]
    public bool JobEnded { get; set; }

    /// <summary>The newest job manager generation (<c>JobManagerState.Epoch</c>) that commanded this coordinator; older ones are refused.</summary>
    [Id(8)]
    public long JobManagerEpoch { get; set; }

    /// <inheritdoc />
    [Id(9)]
    public string? Writer { get; set; }

    /// <summary>The snapshot segments the job's savepoints name: never deleted by the job (nothing deletes a savepoint yet).</summary>
    [Id(10)]
    public List<SegmentRef> Pinned { get; set; } = [];

    /// <summary>
    /// Full segments subtasks announced writing that no completed checkpoint is based on yet; deleted when a completed
    /// checkpoint is based on a newer one, or when their attempt ends.
    /// </summary>
    [Id(11)]
    public List<SegmentRef> OpenFulls { get; set; } = [];

    /// <summary>Refuses a command of job manager generation <paramref name="epoch"/> when a newer one has taken the job over.</summary>
    /// <exception cref="StaleActivationException">The command is older than <see cref="JobManagerEpoch"/>.</exception>
    public void RefuseOlderJobManager(string jobId, long epoch)
    {
        if (epoch < JobManagerEpoch)
        {
            throw new StaleActivationException(
                $"Job {jobId}: a command of job manager epoch {epoch} was refused; epoch {JobManagerEpoch} has taken the job over.");
        }
    }
}

/// <summary>A completed checkpoint kept to restore from: every subtask's record of it.</summary>
/// <param name="CheckpointId">The id.</param>
/// <param name="CompletionTime">When it completed.</param>
/// <param name="Tasks">Each subtask's record, by "vertex/subtask".</param>
[GenerateSerializer, Immutable, Alias("flow.RetainedCheckpoint")]
internal sealed record RetainedCheckpoint(
    [property: Id(0)] long CheckpointId,
    [property: Id(1)] DateTimeOffset CompletionTime,
    [property: Id(2)] Dictionary<string, TaskSnapshot> Tasks)
{
    public static string TaskKey(int vertexId, int subtask) => FormattableString.Invariant($"{vertexId}/{subtask}");
}
