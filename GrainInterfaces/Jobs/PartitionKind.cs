namespace OrleansFlow.Jobs;

/// <summary>How records of an edge are spread over the receiving vertex's subtasks.</summary>
public enum PartitionKind
{
    /// <summary>Subtask i sends to subtask i (equal parallelism).</summary>
    Forward = 0,

    /// <summary>By a stable hash of the record's key (key groups, as Flink).</summary>
    Hash = 1,

    /// <summary>Round-robin over all receivers.</summary>
    Rebalance = 2,
}
