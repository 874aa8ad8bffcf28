using OrleansFlow.Jobs;

namespace OrleansFlow.Graph;

/// <summary>A virtual node that sets how records reach the next operator (keyBy, rebalance).</summary>
internal sealed class PartitionTransformation<T>(int id, Transformation input, PartitionKind partition, IKeyRouter<T>? router)
    : Transformation<T>(id, partition.ToString(), [input]), IPartitioning
{
    public PartitionKind Partition { get; } = partition;

    public IKeyRouter<T>? Router { get; } = router;

    public override bool IsVirtual => true;

    public override string Kind => "Partition";
}

/// <summary>A virtual node that fixes the partitioning of the edges through it.</summary>
internal interface IPartitioning
{
    PartitionKind Partition { get; }
}
