using System.Runtime.CompilerServices;
using OrleansFlow.Graph;

namespace OrleansFlow.Execution;

/// <summary>The records of a buffer that share a key, in channel order.</summary>
/// <param name="KeyText">The key's canonical text (its per-key grain's name).</param>
/// <param name="Key">The key.</param>
/// <param name="Records">The records (an array of the operator's input type).</param>
/// <param name="Timestamps">Their event timestamps (long.MinValue for none), or null when none has one.</param>
/// <param name="Watermarks">The watermark in effect at each record, or null when it was the same for all.</param>
/// <param name="Watermark">The watermark in effect at the first record (and at all, when <paramref name="Watermarks"/> is null).</param>
internal readonly record struct KeySlice(string KeyText, object Key, object Records, long[]? Timestamps, long[]? Watermarks, long Watermark);

/// <summary>
/// Gathers records by key across several input batches, so each per-key grain gets all its records of the buffer
/// in one call, with the timestamp and watermark in effect at each.
/// </summary>
internal interface IKeySplitter
{
    int Count { get; }

    /// <summary>Adds records [<paramref name="start"/>, <paramref name="end"/>) seen under <paramref name="watermark"/>.</summary>
    void Add(object records, long[]? timestamps, int start, int end, long watermark);

    /// <summary>Returns the gathered slices, in order of each key's first record, and empties the buffer.</summary>
    IReadOnlyList<KeySlice> Take();
}

internal sealed class KeySplitter<TKey, TIn>(IKeyRouter<TIn> router) : IKeySplitter
    where TKey : notnull
{
    private readonly KeyRouter<TIn, TKey> _router = (KeyRouter<TIn, TKey>)router;
    private readonly List<Segment> _segments = [];
    private readonly Dictionary<TKey, Group> _groups = [];
    private readonly List<Group> _order = [];
    private Group?[] _groupOf = [];

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

    /// <summary>Two passes over the gathered records: find each record's key group and count, then fill exact-size arrays.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public IReadOnlyList<KeySlice> Take()
    {
        // The tables are kept from flush to flush (the same keys recur); the groups are new, their arrays go to the grains.
        var groups = _groups;
        var order = _order;
        groups.Clear();
        order.Clear();
        // The record-to-group table is kept too (as large as the largest flush): rented from the shared pool, a table for
        // a flush of ~300k records was allocated anew most of the time (28 MB of a 3M-event run), past the 1 MiB
        // large-object threshold, where allocations count towards gen-2 collections.
        if (_groupOf.Length < Count)
        {
            _groupOf = new Group?[Math.Max(Count, _groupOf.Length * 2)];
        }

        var groupOf = _groupOf;
        try
        {
            var position = 0;
            foreach (var segment in _segments)
            {
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
                    group.HasTimestamps |= segment.Timestamps is not null;
                    group.WatermarkVaries |= segment.Watermark != group.FirstWatermark;
                    groupOf[position++] = group;
                }
            }

            foreach (var group in order)
            {
                group.Allocate();
            }

            position = 0;
            foreach (var segment in _segments)
            {
                for (var i = segment.Start; i < segment.End; i++)
                {
                    groupOf[position++]!.Add(segment.Records[i], segment.Timestamps?[i] ?? long.MinValue, segment.Watermark);
                }
            }
        }
        finally
        {
            Array.Clear(groupOf, 0, Count); // let the groups (and their arrays) go once the grains are done with them
        }

        _segments.Clear();
        Count = 0;
        var slices = new KeySlice[order.Count];
        for (var i = 0; i < slices.Length; i++)
        {
            var group = order[i];
            slices[i] = new KeySlice(KeyFormat.Format(group.Key), group.Key, group.Records, group.Timestamps, group.Watermarks, group.FirstWatermark);
        }

        groups.Clear(); // let the groups (and their arrays) go once the grains are done with them
        order.Clear();
        return slices;
    }

    private readonly record struct Segment(TIn[] Records, long[]? Timestamps, int Start, int End, long Watermark);

    private sealed class Group(TKey key, long firstWatermark)
    {
        private int _filled;

        public TKey Key { get; } = key;

        public long FirstWatermark { get; } = firstWatermark;

        public int Count { get; set; }

        public bool HasTimestamps { get; set; }

        public bool WatermarkVaries { get; set; }

        public TIn[] Records { get; private set; } = [];

        public long[]? Timestamps { get; private set; }

        public long[]? Watermarks { get; private set; }

        public void Allocate()
        {
            Records = new TIn[Count];
            Timestamps = HasTimestamps ? new long[Count] : null;
            Watermarks = WatermarkVaries ? new long[Count] : null;
        }

        public void Add(TIn record, long timestamp, long watermark)
        {
            Records[_filled] = record;
            if (Timestamps is not null)
            {
                Timestamps[_filled] = timestamp;
            }

            if (Watermarks is not null)
            {
                Watermarks[_filled] = watermark;
            }

            _filled++;
        }
    }
}
