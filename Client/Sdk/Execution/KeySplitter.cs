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
    private Dictionary<TKey, Group> _groups = [];
    private List<Group> _order = [];

    public int Count { get; private set; }

    public void Add(object records, long[]? timestamps, int start, int end, long watermark)
    {
        var array = (TIn[])records;
        for (var i = start; i < end; i++)
        {
            var record = array[i];
            var key = _router.Key(record);
            if (!_groups.TryGetValue(key, out var group))
            {
                group = new Group(key, watermark);
                _groups.Add(key, group);
                _order.Add(group);
            }

            group.Add(record, timestamps?[i], watermark);
        }

        Count += Math.Max(0, end - start);
    }

    public IReadOnlyList<KeySlice> Take()
    {
        var slices = new KeySlice[_order.Count];
        for (var i = 0; i < slices.Length; i++)
        {
            var group = _order[i];
            slices[i] = new KeySlice(KeyFormat.Format(group.Key), group.Key, group.Records.ToArray(), group.Timestamps?.ToArray(), group.Watermarks?.ToArray(), group.FirstWatermark);
        }

        _groups = [];
        _order = [];
        Count = 0;
        return slices;
    }

    private sealed class Group(TKey key, long firstWatermark)
    {
        public TKey Key { get; } = key;

        public long FirstWatermark { get; } = firstWatermark;

        public List<TIn> Records { get; } = [];

        public List<long>? Timestamps { get; private set; }

        public List<long>? Watermarks { get; private set; }

        public void Add(TIn record, long? timestamp, long watermark)
        {
            if (timestamp is { } ts && Timestamps is null)
            {
                Timestamps = new List<long>(Records.Count + 1);
                Timestamps.AddRange(Enumerable.Repeat(long.MinValue, Records.Count));
            }

            if (watermark != FirstWatermark && Watermarks is null)
            {
                Watermarks = new List<long>(Records.Count + 1);
                Watermarks.AddRange(Enumerable.Repeat(FirstWatermark, Records.Count));
            }

            Records.Add(record);
            Timestamps?.Add(timestamp ?? long.MinValue);
            Watermarks?.Add(watermark);
        }
    }
}
