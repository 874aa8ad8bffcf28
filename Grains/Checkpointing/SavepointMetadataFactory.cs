using OrleansFlow.Checkpoints;
using OrleansFlow.Jobs;

namespace OrleansFlow.Checkpointing;

/// <summary>Describes a completed savepoint of a job: its operators and every subtask's record.</summary>
internal static class SavepointMetadataFactory
{
    /// <summary>The metadata of checkpoint <paramref name="checkpointId"/> of the submitted job.</summary>
    public static SavepointMetadata Create(JobSubmission submission, long checkpointId, DateTimeOffset completionTime, IReadOnlyDictionary<string, TaskSnapshot> tasks)
    {
        var plan = submission.Plan;
        var keyed = plan.Vertices.Where(v => v.KeyedOperatorId is not null).Select(v => v.KeyedOperatorId!.Value).ToHashSet();
        var operators = plan.Operators.Select(o =>
        {
            var vertex = plan.Vertex(o.VertexId);
            return new SavepointOperator(o.Id, o.Name, o.StateUid, o.Kind, o.VertexId, vertex.Parallelism, keyed.Contains(o.Id), vertex.IsSource && vertex.Id == o.Id);
        }).ToList();
        return new SavepointMetadata(
            SavepointIds.Of(submission.JobId, checkpointId), submission.JobId, submission.JobName, checkpointId, completionTime, operators,
            new Dictionary<string, TaskSnapshot>(tasks, StringComparer.Ordinal));
    }
}
