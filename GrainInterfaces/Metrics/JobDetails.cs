using OrleansFlow.Checkpoints;
using OrleansFlow.Jobs;

namespace OrleansFlow.Metrics;

/// <summary>What the jobs page and <c>flow status</c> show of one job: status, vertices with metrics, checkpoints.</summary>
/// <param name="Status">Status, attempt and failures.</param>
/// <param name="SubmittedAt">When the job was submitted.</param>
/// <param name="SampledAt">When the metrics were read (rates come from two samples).</param>
/// <param name="Vertices">The job's vertices, in plan order.</param>
/// <param name="Checkpoints">Checkpoint counts and history, or null when checkpointing is off.</param>
[GenerateSerializer, Immutable, Alias("flow.JobDetails")]
public sealed record JobDetails(
    [property: Id(0)] JobStatusInfo Status,
    [property: Id(1)] DateTimeOffset SubmittedAt,
    [property: Id(2)] DateTimeOffset SampledAt,
    [property: Id(3)] IReadOnlyList<VertexDetails> Vertices,
    [property: Id(4)] CheckpointOverview? Checkpoints);
