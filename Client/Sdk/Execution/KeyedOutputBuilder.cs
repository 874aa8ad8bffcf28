using OrleansFlow.Functions;
using OrleansFlow.Keyed;

namespace OrleansFlow.Execution;

/// <summary>
/// Collects what one per-key call emits: records with their timestamps (the timestamp of the record or timer being
/// processed, unless set otherwise) and side-output records by tag.
/// </summary>
internal sealed class KeyedOutputBuilder<T> : ICollector<T>, ISideOutputs
{
    private List<T>? _records;
    private List<long>? _timestamps;
    private Dictionary<string, ISideOutputBuffer>? _sideOutputs;

    /// <summary>The timestamp given to the next records, or null for none.</summary>
    public long? Timestamp { get; set; }

    public void Collect(T record)
    {
        _records ??= [];
        if (Timestamp is { } timestamp)
        {
            if (_timestamps is null)
            {
                _timestamps = new List<long>(_records.Count + 1);
                _timestamps.AddRange(Enumerable.Repeat(long.MinValue, _records.Count));
            }

            _timestamps.Add(timestamp);
        }
        else
        {
            _timestamps?.Add(long.MinValue);
        }

        _records.Add(record);
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
                _records?.ToArray(),
                _timestamps?.ToArray(),
                timers,
                _sideOutputs?.Select(s => s.Value.Build(s.Key)).ToArray());

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
