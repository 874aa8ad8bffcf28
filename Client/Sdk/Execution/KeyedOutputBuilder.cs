using System.Runtime.CompilerServices;
using OrleansFlow.Functions;
using OrleansFlow.Keyed;

namespace OrleansFlow.Execution;

/// <summary>
/// Collects what one per-key call emits: records with their timestamps (the timestamp of the record or timer being
/// processed, unless set otherwise) and side-output records by tag.
/// </summary>
internal sealed class KeyedOutputBuilder<T>(int expectedRecords = 0) : ICollector<T>, ISideOutputs
{
    private T[]? _records;
    private int _count;
    private List<long>? _timestamps;
    private Dictionary<string, ISideOutputBuffer>? _sideOutputs;

    /// <summary>The timestamp given to the next records, or null for none.</summary>
    public long? Timestamp { get; set; }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Collect(T record)
    {
        if (Timestamp is { } timestamp)
        {
            if (_timestamps is null)
            {
                _timestamps = new List<long>(_count + 1);
                _timestamps.AddRange(Enumerable.Repeat(long.MinValue, _count));
            }

            _timestamps.Add(timestamp);
        }
        else
        {
            _timestamps?.Add(long.MinValue);
        }

        _records ??= new T[Math.Max(expectedRecords, 4)];
        if (_count == _records.Length)
        {
            Array.Resize(ref _records, _records.Length * 2);
        }

        _records[_count++] = record;
    }

    public void Side<TSide>(OutputTag<TSide> tag, TSide record)
    {
        _sideOutputs ??= new Dictionary<string, ISideOutputBuffer>(StringComparer.Ordinal);
        if (!_sideOutputs.TryGetValue(tag.Id, out var buffer))
        {
            buffer = new SideOutputBuffer<TSide>();
            _sideOutputs.Add(tag.Id, buffer);
        }

        ((SideOutputBuffer<TSide>)buffer).Add(record, Timestamp);
    }

    public KeyedOutput Build(TimerChange[]? timers) =>
        _records is null && _sideOutputs is null && timers is null
            ? KeyedOutput.Empty
            : new KeyedOutput(
                ExactRecords(),
                _timestamps?.ToArray(),
                timers,
                _sideOutputs?.Select(s => s.Value.Build(s.Key)).ToArray());

    /// <summary>The records, handed over without a copy when the buffer is exactly full (one output per input).</summary>
    private T[]? ExactRecords()
    {
        if (_records is not null && _count != _records.Length)
        {
            Array.Resize(ref _records, _count);
        }

        return _records;
    }

    private interface ISideOutputBuffer
    {
        SideOutputBatch Build(string tag);
    }

    private sealed class SideOutputBuffer<TSide> : ISideOutputBuffer
    {
        private readonly List<TSide> _records = [];
        private readonly List<long> _timestamps = [];

        public void Add(TSide record, long? timestamp)
        {
            _records.Add(record);
            _timestamps.Add(timestamp ?? long.MinValue);
        }

        public SideOutputBatch Build(string tag) => new(tag, _records.ToArray(), _timestamps.ToArray());
    }
}
