using System.Runtime.CompilerServices;
using OrleansFlow.Functions;
using OrleansFlow.Graph;
using OrleansFlow.Jobs;
using OrleansFlow.Messages;

namespace OrleansFlow.Execution;

/// <summary>How one output edge of a subtask spreads records over the receiving subtasks.</summary>
/// <param name="Partition">Forward, hash or rebalance.</param>
/// <param name="TargetParallelism">Number of receiving subtasks.</param>
/// <param name="MaxParallelism">Key groups, for hash partitioning.</param>
/// <param name="Subtask">The sending subtask (forward edges send to the same index).</param>
/// <param name="Router">The key router, for hash partitioning.</param>
/// <param name="Context">The chain's context, whose timestamp travels with each record.</param>
internal sealed record ChannelOutputSpec(PartitionKind Partition, int TargetParallelism, int MaxParallelism, int Subtask, object? Router, ChainContext? Context = null);

/// <summary>What one send on a channel carries: records with their timestamps, and markers placed between them.</summary>
internal readonly record struct OutputBatch(object? Records, long[]? Timestamps, ChannelMarker[]? Markers);

/// <summary>Buffers a subtask's output per receiving subtask until the runtime sends it.</summary>
internal interface IChannelOutput
{
    int TargetCount { get; }

    /// <summary>This output as an <c>ICollector&lt;T&gt;</c> of the edge's record type.</summary>
    object Collector { get; }

    /// <summary>Whether anything (records or a marker) waits to be sent to a target.</summary>
    bool HasPending(int target);

    /// <summary>Removes what is buffered for a target, as batches of at most <paramref name="maxBatch"/> records.</summary>
    IReadOnlyList<OutputBatch> Drain(int target, int maxBatch);
}

/// <summary>
/// A channel output of record type <typeparamref name="T"/>. Watermarks are placed lazily: a target gets the latest
/// watermark just before its next record, or at the next drain, so a burst of watermarks costs one marker per target.
/// Idleness changes go to every target at once.
/// </summary>
internal sealed class ChannelOutput<T> : ICollector<T>, IChannelOutput, IChainElement
{
    private readonly ChannelOutputSpec _spec;
    private readonly Target[] _targets;
    private readonly IKeyRouter<T>? _router;
    private int _nextRoundRobin;
    private long _watermark = long.MinValue;

    public ChannelOutput(ChannelOutputSpec spec)
    {
        _spec = spec;
        _targets = new Target[spec.TargetParallelism];
        for (var i = 0; i < _targets.Length; i++)
        {
            _targets[i] = new Target();
        }

        _router = spec.Router as IKeyRouter<T>;
        if (spec.Partition == PartitionKind.Hash && _router is null)
        {
            throw new ArgumentException("A hash-partitioned edge needs a key router of its record type.", nameof(spec));
        }

        _nextRoundRobin = spec.Subtask % spec.TargetParallelism;
    }

    public int TargetCount => _targets.Length;

    public object Collector => this;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Collect(T record)
    {
        var index = _spec.Partition switch
        {
            PartitionKind.Forward => _spec.Subtask,
            PartitionKind.Hash => _router!.Route(record, _targets.Length, _spec.MaxParallelism),
            _ => NextRoundRobin(),
        };
        var target = _targets[index];
        target.PlaceWatermark(_watermark);
        target.Add(record, _spec.Context?.Timestamp);
    }

    public void OnWatermark(long watermark) => _watermark = Math.Max(_watermark, watermark);

    public void OnIdleChanged(bool idle)
    {
        foreach (var target in _targets)
        {
            target.PlaceWatermark(_watermark);
            target.Markers.Add(new ChannelMarker(target.Records.Count, MarkerKind.WatermarkStatus, idle ? 1 : 0));
        }
    }

    /// <summary>Records waiting for a target.</summary>
    public int Buffered(int target) => _targets[target].Records.Count;

    public bool HasPending(int target) => _targets[target].Records.Count > 0 || _targets[target].Markers.Count > 0 || _targets[target].SentWatermark < _watermark;

    public IReadOnlyList<OutputBatch> Drain(int target, int maxBatch)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        if (!HasPending(target))
        {
            return [];
        }

        var buffer = _targets[target];
        buffer.PlaceWatermark(_watermark);
        var batches = new List<OutputBatch>();
        var records = buffer.Records;
        var start = 0;
        var marker = 0;
        do
        {
            var end = Math.Min(records.Count, start + maxBatch);
            var chunk = new T[end - start];
            records.CopyTo(start, chunk, 0, chunk.Length);
            long[]? timestamps = null;
            if (buffer.Timestamps is { } all)
            {
                timestamps = new long[chunk.Length];
                all.CopyTo(start, timestamps, 0, chunk.Length);
            }

            List<ChannelMarker>? markers = null;
            while (marker < buffer.Markers.Count && (buffer.Markers[marker].Position < end || end == records.Count))
            {
                var m = buffer.Markers[marker++];
                (markers ??= []).Add(m with { Position = m.Position - start });
            }

            batches.Add(new OutputBatch(chunk.Length == 0 ? null : chunk, timestamps, markers?.ToArray()));
            start = end;
        }
        while (start < records.Count);

        buffer.Clear();
        return batches;
    }

    private int NextRoundRobin()
    {
        var target = _nextRoundRobin;
        _nextRoundRobin = (target + 1) % _targets.Length;
        return target;
    }

    private sealed class Target
    {
        public List<T> Records { get; } = [];

        public List<long>? Timestamps { get; private set; }

        public List<ChannelMarker> Markers { get; } = [];

        public long SentWatermark { get; private set; } = long.MinValue;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void PlaceWatermark(long watermark)
        {
            if (watermark > SentWatermark)
            {
                Markers.Add(new ChannelMarker(Records.Count, MarkerKind.Watermark, watermark));
                SentWatermark = watermark;
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Add(T record, long? timestamp)
        {
            if (timestamp is { } ts && Timestamps is null)
            {
                Timestamps = new List<long>(Math.Max(Records.Capacity, 16));
                Timestamps.AddRange(Enumerable.Repeat(long.MinValue, Records.Count));
            }

            Records.Add(record);
            Timestamps?.Add(timestamp ?? long.MinValue);
        }

        public void Clear()
        {
            Records.Clear();
            Timestamps?.Clear();
            Markers.Clear();
        }
    }
}
