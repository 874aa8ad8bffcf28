using OrleansFlow.Functions;
using OrleansFlow.Graph;
using OrleansFlow.Jobs;

namespace OrleansFlow.Execution;

/// <summary>How one output edge of a subtask spreads records over the receiving subtasks.</summary>
/// <param name="Partition">Forward, hash or rebalance.</param>
/// <param name="TargetParallelism">Number of receiving subtasks.</param>
/// <param name="MaxParallelism">Key groups, for hash partitioning.</param>
/// <param name="Subtask">The sending subtask (forward edges send to the same index).</param>
/// <param name="Router">The key router, for hash partitioning.</param>
internal sealed record ChannelOutputSpec(PartitionKind Partition, int TargetParallelism, int MaxParallelism, int Subtask, object? Router);

/// <summary>Buffers a subtask's output per receiving subtask until the runtime sends it.</summary>
internal interface IChannelOutput
{
    int TargetCount { get; }

    /// <summary>This output as an <c>ICollector&lt;T&gt;</c> of the edge's record type.</summary>
    object Collector { get; }

    int Buffered(int target);

    /// <summary>Removes the buffered records for a target, as arrays of at most <paramref name="maxBatch"/> records.</summary>
    IReadOnlyList<object> Drain(int target, int maxBatch);
}

internal sealed class ChannelOutput<T> : ICollector<T>, IChannelOutput
{
    private readonly ChannelOutputSpec _spec;
    private readonly List<T>[] _buffers;
    private readonly IKeyRouter<T>? _router;
    private int _nextRoundRobin;

    public ChannelOutput(ChannelOutputSpec spec)
    {
        _spec = spec;
        _buffers = new List<T>[spec.TargetParallelism];
        for (var i = 0; i < _buffers.Length; i++)
        {
            _buffers[i] = [];
        }

        _router = spec.Router as IKeyRouter<T>;
        if (spec.Partition == PartitionKind.Hash && _router is null)
        {
            throw new ArgumentException("A hash-partitioned edge needs a key router of its record type.", nameof(spec));
        }

        _nextRoundRobin = spec.Subtask % spec.TargetParallelism;
    }

    public int TargetCount => _buffers.Length;

    public object Collector => this;

    public void Collect(T record)
    {
        var target = _spec.Partition switch
        {
            PartitionKind.Forward => _spec.Subtask,
            PartitionKind.Hash => _router!.Route(record, _buffers.Length, _spec.MaxParallelism),
            _ => NextRoundRobin(),
        };
        _buffers[target].Add(record);
    }

    public int Buffered(int target) => _buffers[target].Count;

    public IReadOnlyList<object> Drain(int target, int maxBatch)
    {
        var buffer = _buffers[target];
        if (buffer.Count == 0)
        {
            return [];
        }

        if (buffer.Count <= maxBatch)
        {
            var all = buffer.ToArray();
            buffer.Clear();
            return [all];
        }

        var batches = new List<object>();
        for (var start = 0; start < buffer.Count; start += maxBatch)
        {
            var chunk = new T[Math.Min(maxBatch, buffer.Count - start)];
            buffer.CopyTo(start, chunk, 0, chunk.Length);
            batches.Add(chunk);
        }

        buffer.Clear();
        return batches;
    }

    private int NextRoundRobin()
    {
        var target = _nextRoundRobin;
        _nextRoundRobin = (target + 1) % _buffers.Length;
        return target;
    }
}
