using OrleansFlow.Tasks;

namespace OrleansFlow.Jobs;

/// <summary>One task of an execution attempt: a subtask of a vertex, and the grain that runs it in that attempt.</summary>
/// <param name="Vertex">The vertex.</param>
/// <param name="Subtask">The subtask's index within the vertex.</param>
/// <param name="Grain">The task grain of this attempt (a new attempt has fresh grains).</param>
internal readonly record struct AttemptTask(VertexPlan Vertex, int Subtask, ITaskGrain Grain);

/// <summary>
/// Enumerates the tasks of one execution attempt, as Flink's ExecutionGraph lists an attempt's executions: every
/// subtask of every vertex asked for, each with its task grain (<see cref="GrainKeys.Task"/>). The one place that
/// turns a plan and an attempt number into task grains.
/// </summary>
internal static class AttemptTasks
{
    /// <summary>Every subtask of every vertex of <paramref name="plan"/> in <paramref name="attempt"/>.</summary>
    public static IEnumerable<AttemptTask> Of(IGrainFactory grains, string jobId, JobPlan plan, int attempt)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return Of(grains, jobId, plan.Vertices, attempt);
    }

    /// <summary>Every subtask of <paramref name="vertices"/> in <paramref name="attempt"/>, vertex by vertex, in subtask order.</summary>
    public static IEnumerable<AttemptTask> Of(IGrainFactory grains, string jobId, IEnumerable<VertexPlan> vertices, int attempt)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(jobId);
        ArgumentNullException.ThrowIfNull(vertices);
        return vertices.SelectMany(v => Enumerable.Range(0, v.Parallelism)
            .Select(s => new AttemptTask(v, s, grains.GetGrain<ITaskGrain>(GrainKeys.Task(jobId, v.Id, s, attempt)))));
    }
}
