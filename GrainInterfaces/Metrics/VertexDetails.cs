namespace OrleansFlow.Metrics;

/// <summary>One vertex (operator chain) of a running job with the metrics of the subtasks that answered.</summary>
/// <param name="VertexId">The vertex.</param>
/// <param name="Name">Its display name (the chained operators' names).</param>
/// <param name="Parallelism">Its number of subtasks.</param>
/// <param name="Subtasks">Metrics of the subtasks of the current attempt that answered in time.</param>
[GenerateSerializer, Immutable, Alias("flow.VertexDetails")]
public sealed record VertexDetails(
    [property: Id(0)] int VertexId,
    [property: Id(1)] string Name,
    [property: Id(2)] int Parallelism,
    [property: Id(3)] IReadOnlyList<TaskMetrics> Subtasks)
{
    /// <summary>Records taken from input, summed over the subtasks that answered.</summary>
    public long RecordsIn => Subtasks.Sum(t => t.RecordsIn);

    /// <summary>Records sent, summed over the subtasks that answered.</summary>
    public long RecordsOut => Subtasks.Sum(t => t.RecordsOut);

    /// <summary>Milliseconds the outputs waited for credits, summed over the subtasks that answered.</summary>
    public long BackPressuredMs => Subtasks.Sum(t => t.BackPressuredMs);

    /// <summary>Batches in flight to the receivers, summed over the subtasks that answered.</summary>
    public int OutputBatchesInFlight => Subtasks.Sum(t => t.OutputBatchesInFlight);

    /// <summary>The vertex's watermark: its slowest subtask's, known only once every subtask answered with one.</summary>
    public long? Watermark => Subtasks.Count == Parallelism && Subtasks.All(t => t.Watermark is not null) ? Subtasks.Min(t => t.Watermark) : null;
}
