namespace OrleansFlow.Jobs;

/// <summary>
/// The physical plan of a job: operator chains (vertices) with their parallelism and the edges between them.
/// Made by the client from the job's logical graph; silos rebuild the same graph and check it against this plan.
/// </summary>
[GenerateSerializer, Immutable, Alias("flow.JobPlan")]
public sealed record JobPlan(
    [property: Id(0)] IReadOnlyList<VertexPlan> Vertices,
    [property: Id(1)] IReadOnlyList<EdgePlan> Edges,
    [property: Id(2)] IReadOnlyList<OperatorPlan> Operators,
    [property: Id(3)] string Fingerprint)
{
    /// <summary>The operator with the given name or uid; names must then be unique.</summary>
    public OperatorPlan FindOperator(string nameOrUid)
    {
        var matches = Operators.Where(o => o.Uid == nameOrUid || o.Name == nameOrUid).ToList();
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new KeyNotFoundException($"The job has no operator named '{nameOrUid}'. Operators: {string.Join(", ", Operators.Select(o => o.Name))}."),
            _ => throw new KeyNotFoundException($"Several operators are named '{nameOrUid}'; give them distinct names or uids."),
        };
    }

    /// <summary>The vertex with the given id.</summary>
    public VertexPlan Vertex(int id) =>
        Vertices.FirstOrDefault(v => v.Id == id) ?? throw new ArgumentOutOfRangeException(nameof(id), id, "No such vertex.");

    /// <summary>Edges leaving a vertex, in plan order.</summary>
    public IEnumerable<EdgePlan> OutputsOf(int vertexId) => Edges.Where(e => e.Source == vertexId);

    /// <summary>Edges entering a vertex, in plan order.</summary>
    public IEnumerable<EdgePlan> InputsOf(int vertexId) => Edges.Where(e => e.Target == vertexId);

    /// <summary>Number of subtasks that will report completion.</summary>
    public int TaskCount => Vertices.Sum(v => v.Parallelism);
}

/// <summary>One vertex: a chain of operators run together by each subtask grain.</summary>
/// <param name="Id">Vertex id (the id of its head operator).</param>
/// <param name="Name">Display name (operator names joined by " -> ").</param>
/// <param name="Parallelism">Number of subtasks.</param>
/// <param name="OperatorIds">The chained operators, head first.</param>
/// <param name="IsSource">Whether the head operator is a source.</param>
/// <param name="KeyedOperatorId">The keyed operator at the head, if any (its state lives in per-key grains).</param>
[GenerateSerializer, Immutable, Alias("flow.VertexPlan")]
public sealed record VertexPlan(
    [property: Id(0)] int Id,
    [property: Id(1)] string Name,
    [property: Id(2)] int Parallelism,
    [property: Id(3)] IReadOnlyList<int> OperatorIds,
    [property: Id(4)] bool IsSource,
    [property: Id(5)] int? KeyedOperatorId);

/// <summary>An edge between two vertices.</summary>
/// <param name="Source">Sending vertex.</param>
/// <param name="Target">Receiving vertex.</param>
/// <param name="Partition">How records are spread over the receivers.</param>
/// <param name="InputIndex">Which input of the receiving vertex this edge feeds.</param>
/// <param name="SourceOperatorId">The node whose output type the edge carries: the tail of the source chain, or the side-output node.</param>
/// <param name="OutputTag">The side output the edge carries, or null for the main output.</param>
[GenerateSerializer, Immutable, Alias("flow.EdgePlan")]
public sealed record EdgePlan(
    [property: Id(0)] int Source,
    [property: Id(1)] int Target,
    [property: Id(2)] PartitionKind Partition,
    [property: Id(3)] int InputIndex,
    [property: Id(4)] int SourceOperatorId,
    [property: Id(5)] string? OutputTag = null);

/// <summary>One operator of the plan.</summary>
/// <param name="Id">Operator id (build order).</param>
/// <param name="Name">Display name.</param>
/// <param name="Uid">Stable user-given id, if any.</param>
/// <param name="Kind">Source, Map, Filter, FlatMap, Reduce, Process, Sink, ...</param>
/// <param name="VertexId">The vertex (chain) that runs it.</param>
[GenerateSerializer, Immutable, Alias("flow.OperatorPlan")]
public sealed record OperatorPlan(
    [property: Id(0)] int Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string? Uid,
    [property: Id(3)] string Kind,
    [property: Id(4)] int VertexId)
{
    /// <summary>
    /// The id a savepoint matches this operator's state by: its <see cref="Uid"/>, or else one derived from its kind
    /// and position in build order (as Flink hashes the position of an operator without a uid), which holds as long
    /// as the job's operators before it stay the same.
    /// </summary>
    public string StateUid => Uid ?? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Kind}#{Id}");
}
