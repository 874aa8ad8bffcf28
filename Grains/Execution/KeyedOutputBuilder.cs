using System.Runtime.CompilerServices;
using OrleansFlow.Functions;
using OrleansFlow.Keyed;

namespace OrleansFlow.Execution;

/// <summary>
/// Collects what one per-key call emits: records with their timestamps (the timestamp of the record or timer being
/// processed, unless set otherwise) and side-output records by tag. Records gather in a per-thread buffer that the
/// next call on the thread reuses, and leave in arrays of exactly their number (one allocation per call, not a
/// growing array per call).
/// </summary>
internal sealed class KeyedOutputBuilder<T>(int expectedRecords = 0) : ICollector<T>, ISideOutputs
{
    private const int MaxSpare = 16384; // larger buffers are not kept for the thread

    [ThreadStatic]
    private static T[]? t_spareRecords;

    [ThreadStatic]
    private static long[]? t_spareTimestamps;

    private T[]? _records;
    private long[]? _timestamps; // as long as _records once any record had a timestamp, else null
    private int _count;
    private Dictionary<string, ISideOutputBuffer>? _sideOutputs;

    /// <summary>The timestamp given to the next records, or null for none.</summary>
    public long? Timestamp { get; set; }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Collect(T record)
    {
        if (_records is null)
        {
            // A call that expects a known number of outputs (one per input) fills an array of its own, handed over
            // as it is; others gather in the thread's spare buffer.
            if (expectedRecords > 0 || t_spareRecords is null)
            {
                _records = new T[Math.Max(expectedRecords, 64)];
            }
            else
            {
                _records = t_spareRecords;
                t_spareRecords = null;
            }
        }
        else if (_count == _records.Length)
        {
            Array.Resize(ref _records, _records.Length * 2);
            if (_timestamps is not null)
            {
                Array.Resize(ref _timestamps, _records.Length);
            }
        }

        if (Timestamp is not null && _timestamps is null)
        {
            var spare = t_spareTimestamps;
            t_spareTimestamps = null;
            _timestamps = spare is not null && spare.Length >= _records.Length ? spare : new long[_records.Length];
            _timestamps.AsSpan(0, _count).Fill(long.MinValue);
        }

        if (_timestamps is not null)
        {
            _timestamps[_count] = Timestamp ?? long.MinValue;
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

    /// <summary>The call's output; the builder's buffers go back to the thread for the next call.</summary>
    public KeyedOutput Build(TimerChange[]? timers)
    {
        var output = _records is null && _sideOutputs is null && timers is null
            ? KeyedOutput.Empty
            : new KeyedOutput(
                _records is not null && _records.Length == _count ? _records : _records?.AsSpan(0, _count).ToArray(),
                _timestamps?.AsSpan(0, _count).ToArray(),
                timers,
                _sideOutputs?.Select(s => s.Value.Build(s.Key)).ToArray());
        if (_records is not null && _records.Length != _count && _records.Length <= MaxSpare)
        {
            if (RuntimeHelpers.IsReferenceOrContainsReferences<T>())
            {
                Array.Clear(_records, 0, _count);
            }

            t_spareRecords = _records;
        }

        if (_timestamps is not null && _timestamps.Length <= MaxSpare)
        {
            t_spareTimestamps = _timestamps;
        }

        _records = null;
        _timestamps = null;
        _count = 0;
        return output;
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
