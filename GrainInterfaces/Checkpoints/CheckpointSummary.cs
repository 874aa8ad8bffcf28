namespace OrleansFlow.Checkpoints;

/// <summary>
/// A job's checkpoint summary, as Flink's checkpoint summary: counts over the job's life, and statistics of the
/// completed checkpoints (savepoints included, as in Flink) that the coordinator's history still holds. The
/// coordinator computes it (<c>CheckpointSummaryCalculator</c>) whenever it reports its overview.
/// </summary>
/// <param name="Completed">Checkpoints and savepoints completed over the job's life.</param>
/// <param name="Failed">Checkpoints and savepoints failed over the job's life.</param>
/// <param name="EndToEndDuration">
/// Milliseconds from trigger to completion of the completed checkpoints in the retained history, or null when it holds none.
/// </param>
/// <param name="StateSize">
/// <see cref="CheckpointStats.StateSize"/> in bytes of the completed checkpoints in the retained history, or null when it holds none.
/// </param>
[GenerateSerializer, Immutable, Alias("flow.CheckpointSummary")]
public sealed record CheckpointSummary(
    [property: Id(0)] int Completed,
    [property: Id(1)] int Failed,
    [property: Id(2)] StatsSummary? EndToEndDuration,
    [property: Id(3)] StatsSummary? StateSize);
