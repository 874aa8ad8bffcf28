using OrleansFlow.Checkpoints;
using OrleansFlow.Jobs;

namespace OrleansFlow.Checkpointing;

/// <summary>
/// Maps a savepoint's state onto a (possibly changed) job, as Flink does: operator state goes to the operator with the
/// same state uid (<see cref="OperatorPlan.StateUid"/>). Every operator of the savepoint that has state (sources,
/// keyed operators, timestamp assigners, sinks) must find one, unless non-restored state may be dropped; a matched
/// operator must be of the same kind and run with the same parallelism.
/// </summary>
internal static class SavepointMapper
{
    /// <summary>
    /// The savepoint as the new job's first completed checkpoint (each subtask's record, keyed by the new job's
    /// vertices; a keyed subtask's names the savepoint's snapshot segments) and which operators got state from it.
    /// </summary>
    /// <exception cref="InvalidSubmissionException">State cannot be mapped; the message names the operator.</exception>
    public static (Dictionary<string, TaskSnapshot> Tasks, SavepointRestore Restore) Map(SavepointMetadata savepoint, JobPlan plan, bool allowNonRestoredState)
    {
        ArgumentNullException.ThrowIfNull(savepoint);
        ArgumentNullException.ThrowIfNull(plan);
        var byUid = new Dictionary<string, OperatorPlan>(StringComparer.Ordinal);
        foreach (var op in plan.Operators)
        {
            if (!byUid.TryAdd(op.StateUid, op))
            {
                throw Error(savepoint, $"operators '{byUid[op.StateUid].Name}' and '{op.Name}' of this job have the same uid '{op.StateUid}'");
            }
        }

        var keyed = plan.Vertices.Where(v => v.KeyedOperatorId is not null).Select(v => v.KeyedOperatorId!.Value).ToHashSet();
        var oldFor = new Dictionary<int, SavepointOperator>();
        foreach (var old in savepoint.Operators.Where(o => HasState(savepoint, o)))
        {
            if (!byUid.TryGetValue(old.StateUid, out var op))
            {
                if (allowNonRestoredState)
                {
                    continue;
                }

                throw Error(savepoint,
                    $"it holds state of operator '{old.Name}' (uid '{old.StateUid}'), which this job does not have. Give the operator that " +
                    $"takes over its state the uid '{old.StateUid}' with Uid(...), or drop that state with RestoreFrom(..., allowNonRestoredState: true) " +
                    "(flow run --allow-non-restored-state)");
            }

            if (old.Kind != op.Kind || old.IsKeyed != keyed.Contains(op.Id))
            {
                throw Error(savepoint, $"operator '{op.Name}' (uid '{old.StateUid}') is a {op.Kind}, but the savepoint's operator with that uid, '{old.Name}', was a {old.Kind}");
            }

            var parallelism = plan.Vertex(op.VertexId).Parallelism;
            if (parallelism != old.Parallelism)
            {
                throw Error(savepoint,
                    $"operator '{op.Name}' (uid '{old.StateUid}') ran with parallelism {old.Parallelism} when the savepoint was taken and has {parallelism} now; " +
                    "restoring with another parallelism is not supported yet");
            }

            oldFor[op.Id] = old;
        }

        var tasks = new Dictionary<string, TaskSnapshot>(StringComparer.Ordinal);
        foreach (var vertex in plan.Vertices)
        {
            for (var subtask = 0; subtask < vertex.Parallelism; subtask++)
            {
                tasks[RetainedCheckpoint.TaskKey(vertex.Id, subtask)] = TaskRecord(savepoint, vertex, subtask, oldFor);
            }
        }

        return (tasks, new SavepointRestore(savepoint.SavepointId, savepoint.CheckpointId, [.. oldFor.Keys.Order()]));
    }

    /// <summary>What one subtask of the new job restores: the records its chain's operators had in the savepoint.</summary>
    private static TaskSnapshot TaskRecord(SavepointMetadata savepoint, VertexPlan vertex, int subtask, Dictionary<int, SavepointOperator> oldFor)
    {
        long? position = null;
        var watermarks = new Dictionary<int, long>();
        var sinkStates = new Dictionary<int, byte[]>();
        List<SegmentRef>? keyedState = null;
        foreach (var operatorId in vertex.OperatorIds)
        {
            if (!oldFor.TryGetValue(operatorId, out var old)
                || savepoint.Tasks.GetValueOrDefault(RetainedCheckpoint.TaskKey(old.VertexId, subtask)) is not { } record)
            {
                continue;
            }

            if (old.IsSource && vertex.IsSource && vertex.Id == operatorId)
            {
                position = record.SourcePosition;
            }

            if (record.Watermarks.TryGetValue(old.Id, out var watermark))
            {
                watermarks[operatorId] = watermark;
            }

            if (record.SinkStates.TryGetValue(old.Id, out var sinkState))
            {
                sinkStates[operatorId] = sinkState;
            }

            if (old.IsKeyed && vertex.KeyedOperatorId == operatorId)
            {
                keyedState = record.KeyedState;
            }
        }

        return new TaskSnapshot(position, watermarks, sinkStates, 0, 0, keyedState);
    }

    /// <summary>Whether an operator of the savepoint has state a new job must take over.</summary>
    private static bool HasState(SavepointMetadata savepoint, SavepointOperator op) =>
        op.IsKeyed || op.IsSource
        || savepoint.Tasks.Values.Any(t => t.Watermarks.ContainsKey(op.Id) || t.SinkStates.ContainsKey(op.Id));

    private static InvalidSubmissionException Error(SavepointMetadata savepoint, string problem) =>
        new($"Cannot restore savepoint {savepoint.SavepointId}: {problem}.");
}
