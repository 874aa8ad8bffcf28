using OrleansFlow.Checkpoints;
using OrleansFlow.Jobs;

namespace OrleansFlow.Checkpointing;

/// <summary>Describes a completed savepoint of a job: its operators, every subtask's record and where its per-key state lives.</summary>
internal static class SavepointMetadataFactory
{
    /// <summary>
    /// The metadata of checkpoint <paramref name="checkpointId"/> of the submitted job, taken by attempt
    /// <paramref name="attempt"/> (whose restore points, one per attempt so far, tell per-key versions of completed
    /// checkpoints from the rest).
    /// </summary>
    /// <exception cref="InvalidOperationException">The restore points do not reach the attempt.</exception>
    public static SavepointMetadata Create(
        JobSubmission submission, long checkpointId, DateTimeOffset completionTime, int attempt, long[] restorePoints, IReadOnlyDictionary<string, TaskSnapshot> tasks)
    {
        if (restorePoints.Length < attempt + 1)
        {
            throw new InvalidOperationException($"the restore points of attempt {attempt} are unknown (got {restorePoints.Length})");
        }

        var plan = submission.Plan;
        var keyed = plan.Vertices.Where(v => v.KeyedOperatorId is not null).Select(v => v.KeyedOperatorId!.Value).ToHashSet();
        var operators = plan.Operators.Select(o =>
        {
            var vertex = plan.Vertex(o.VertexId);
            return new SavepointOperator(o.Id, o.Name, o.StateUid, o.Kind, o.VertexId, vertex.Parallelism, keyed.Contains(o.Id), vertex.IsSource && vertex.Id == o.Id);
        }).ToList();
        var origin = new KeyedStateOrigin(
            submission.JobId, checkpointId, attempt, restorePoints[..(attempt + 1)],
            operators.Where(o => o.IsKeyed).ToDictionary(o => o.StateUid, o => o.Id, StringComparer.Ordinal));
        return new SavepointMetadata(
            SavepointIds.Of(submission.JobId, checkpointId), submission.JobId, submission.JobName, checkpointId, completionTime, operators,
            new Dictionary<string, TaskSnapshot>(tasks, StringComparer.Ordinal), [origin, .. submission.Restore?.Lineage ?? []]);
    }
}
