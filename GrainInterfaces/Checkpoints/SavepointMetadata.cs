using OrleansFlow.Jobs;

namespace OrleansFlow.Checkpoints;

/// <summary>
/// A savepoint, as stored through grain persistence (Flink's savepoint metadata): the job and checkpoint it was taken
/// at, the job's operators (to map state to a changed job by uid), and every subtask's record of it (source positions,
/// watermarks, sealed sink output, and the snapshot segments a keyed subtask's keys are in; the job that took it never
/// deletes those). Collections are concrete types: the grain storage serializer (Newtonsoft.Json with type names)
/// cannot re-create the compiler's read-only list types.
/// </summary>
/// <param name="SavepointId">The id (<see cref="SavepointIds.Of"/>).</param>
/// <param name="JobId">The job that took it.</param>
/// <param name="JobName">That job's name.</param>
/// <param name="CheckpointId">Its checkpoint id in that job.</param>
/// <param name="CompletionTime">When it completed.</param>
/// <param name="Operators">The job's operators with their vertex parallelism.</param>
/// <param name="Tasks">Each subtask's record, by "vertex/subtask".</param>
[GenerateSerializer, Immutable, Alias("flow.SavepointMetadata")]
public sealed record SavepointMetadata(
    [property: Id(0)] string SavepointId,
    [property: Id(1)] string JobId,
    [property: Id(2)] string JobName,
    [property: Id(3)] long CheckpointId,
    [property: Id(4)] DateTimeOffset CompletionTime,
    [property: Id(5)] List<SavepointOperator> Operators,
    [property: Id(6)] Dictionary<string, TaskSnapshot> Tasks);

/// <summary>One operator of a savepoint's job.</summary>
/// <param name="Id">Its id in that job.</param>
/// <param name="Name">Its name.</param>
/// <param name="StateUid">The id its state is matched by (<see cref="OperatorPlan.StateUid"/>).</param>
/// <param name="Kind">Source, Map, Reduce, Window, Sink, ...</param>
/// <param name="VertexId">Its vertex in that job.</param>
/// <param name="Parallelism">Its vertex's parallelism.</param>
/// <param name="IsKeyed">Whether it keeps per-key state.</param>
/// <param name="IsSource">Whether it is a source (head of its vertex).</param>
[GenerateSerializer, Immutable, Alias("flow.SavepointOperator")]
public sealed record SavepointOperator(
    [property: Id(0)] int Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string StateUid,
    [property: Id(3)] string Kind,
    [property: Id(4)] int VertexId,
    [property: Id(5)] int Parallelism,
    [property: Id(6)] bool IsKeyed,
    [property: Id(7)] bool IsSource);

/// <summary>Savepoint ids.</summary>
public static class SavepointIds
{
    /// <summary>The prefix of every savepoint id.</summary>
    public const string Prefix = "savepoint-";

    /// <summary>The id of the savepoint job <paramref name="jobId"/> took as checkpoint <paramref name="checkpointId"/>.</summary>
    public static string Of(string jobId, long checkpointId) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Prefix}{jobId}-{checkpointId}");

    /// <summary>
    /// The savepoint id in <paramref name="idOrPath"/>: an id as <c>flow savepoint</c> prints it, or a path (or storage
    /// key) that contains one, such as the savepoint's file under <c>data/checkpoints</c>. Null when there is none.
    /// </summary>
    public static string? Find(string idOrPath)
    {
        ArgumentNullException.ThrowIfNull(idOrPath);
        var match = System.Text.RegularExpressions.Regex.Match(idOrPath, Prefix + "[0-9a-f]{32}-[0-9]+", System.Text.RegularExpressions.RegexOptions.CultureInvariant);
        return match.Success ? match.Value : null;
    }
}
