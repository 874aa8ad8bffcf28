using System.Runtime.CompilerServices;
using OrleansFlow.Graph;

namespace OrleansFlow.Execution;

/// <summary>The records of a buffer that share a key, in channel order: a range of arrays shared by all keys of the buffer.</summary>
/// <param name="KeyText">The key's canonical text (its per-key grain's name).</param>
/// <param name="Key">The key.</param>
/// <param name="Records">An array of the operator's input type holding the key's records at [<paramref name="Offset"/>, <paramref name="Offset"/> + <paramref name="Count"/>).</param>
/// <param name="Timestamps">Event timestamps (long.MinValue for none) parallel to <paramref name="Records"/>, or null when no record has one.</param>
/// <param name="Watermarks">The watermark in effect at each record, parallel to <paramref name="Records"/>, or null when it was the
/// buffer's final watermark for all of the key's records.</param>
/// <param name="Watermark">The watermark in effect at the key's first record.</param>
/// <param name="Offset">Index of the key's first record.</param>
/// <param name="Count">Number of the key's records.</param>
internal readonly record struct KeySlice(string KeyText, object Key, object Records, long[]? Timestamps, long[]? Watermarks, long Watermark, int Offset, int Count);

/// <summary>
/// Gathers records by key across several input batches, so each per-key grain gets all its records of the buffer
/// in one call, with the timestamp and watermark in effect at each.
/// </summary>
internal interface IKeySplitter
{
    int Count { get; }

    /// <summary>Adds records [<paramref name="start"/>, <paramref name="end"/>) seen under <paramref name="watermark"/>.</summary>
    void Add(object records, long[]? timestamps, int start, int end, long watermark);

    /// <summary>
    /// Returns the gathered slices, in order of each key's first record, and empties the buffer. <paramref name="watermark"/>
    /// is the watermark the buffer is sent with: a key whose records saw another one gets per-record watermarks. The
    /// slices' arrays are the splitter's and are reused by the next call: use them only until then.
    /// </summary>
    IReadOnlyList<KeySlice> Take(long watermark);
}

internal sealed class KeySplitter<TKey, TIn>(IKeyRouter<TIn> router) : IKeySplitter
    where TKey : notnull
{
    private readonly KeyRouter<TIn, TKey> _router = (KeyRouter<TIn, TKey>)router;
    private readonly List<Segment> _segments = [];
    private readonly Dictionary<TKey, Group> _groups = [];
    private readonly List<Group> _order = [];

    // Kept from flush to flush, as large as the largest flush: the record-to-group table and the arrays the slices
    // share (records grouped by key, their timestamps and watermarks). Per-key arrays (one of each per key and flush)
    // were a third of the windowed job's allocation.
    private Group?[] _groupOf = [];
    private TIn[] _records = [];
    private long[] _timestamps = [];
    private long[] _watermarks = [];

    public int Count { get; private set; }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(object records, long[]? timestamps, int start, int end, long watermark)
    {
        if (end > start)
        {
            _segments.Add(new Segment((TIn[])records, timestamps, start, end, watermark));
            Count += end - start;
        }
    }

    /// <summary>Two passes over the gathered records: find each record's key group and count, then place each record in its group's range.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public IReadOnlyList<KeySlice> Take(long watermark)
    {
        var groups = _groups;
        var order = _order;
        groups.Clear();
        order.Clear();
        var count = Count;
        if (_groupOf.Length < count)
        {
            var size = Math.Max(count, _groupOf.Length * 2);
            _groupOf = new Group?[size];
            _records = new TIn[size];
            _timestamps = [];
            _watermarks = [];
        }

        var groupOf = _groupOf;
        var records = _records;
        long[]? timestamps = null;
        long[]? watermarks = null;
        try
        {
            var position = 0;
            var anyTimestamps = false;
            foreach (var segment in _segments)
            {
                anyTimestamps |= segment.Timestamps is not null;
                for (var i = segment.Start; i < segment.End; i++)
                {
                    var key = _router.Key(segment.Records[i]);
                    if (!groups.TryGetValue(key, out var group))
                    {
                        group = new Group(key, segment.Watermark);
                        groups.Add(key, group);
                        order.Add(group);
                    }

                    group.Count++;
                    group.WatermarkVaries |= segment.Watermark != group.FirstWatermark;
                    groupOf[position++] = group;
                }
            }

            var offset = 0;
            var anyWatermarks = false;
            foreach (var group in order)
            {
                group.Offset = offset;
                group.Filled = offset;
                offset += group.Count;
                group.WatermarkVaries |= group.FirstWatermark != watermark;
                anyWatermarks |= group.WatermarkVaries;
            }

            if (anyTimestamps)
            {
                timestamps = _timestamps.Length >= count ? _timestamps : _timestamps = new long[records.Length];
            }

            if (anyWatermarks)
            {
                watermarks = _watermarks.Length >= count ? _watermarks : _watermarks = new long[records.Length];
            }

            position = 0;
            foreach (var segment in _segments)
            {
                for (var i = segment.Start; i < segment.End; i++)
                {
                    var at = groupOf[position++]!.Filled++;
                    records[at] = segment.Records[i];
                    if (timestamps is not null)
                    {
                        timestamps[at] = segment.Timestamps?[i] ?? long.MinValue;
                    }

                    if (watermarks is not null)
                    {
                        watermarks[at] = segment.Watermark;
                    }
                }
            }
        }
        finally
        {
            Array.Clear(groupOf, 0, count);
        }

        _segments.Clear();
        Count = 0;
        var slices = new KeySlice[order.Count];
        for (var i = 0; i < slices.Length; i++)
        {
            var group = order[i];
            slices[i] = new KeySlice(
                KeyFormat.Format(group.Key), group.Key, records, timestamps, group.WatermarkVaries ? watermarks : null, group.FirstWatermark, group.Offset, group.Count);
        }

        groups.Clear(); // let the groups go
        order.Clear();
        return slices;
    }

    private readonly record struct Segment(TIn[] Records, long[]? Timestamps, int Start, int End, long Watermark);

    private sealed class Group(TKey key, long firstWatermark)
    {
        public TKey Key { get; } = key;

        public long FirstWatermark { get; } = firstWatermark;

        public int Count { get; set; }

        public bool WatermarkVaries { get; set; }

        public int Offset { get; set; }

        /// <summary>Where the group's next record goes.</summary>
        public int Filled { get; set; }
    }
}
