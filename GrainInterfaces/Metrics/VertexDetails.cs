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
    [property: Id(3)] IReadOnlyList<TaskMetrics> Subtasks);
