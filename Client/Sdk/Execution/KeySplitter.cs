using OrleansFlow.Graph;

namespace OrleansFlow.Execution;

/// <summary>The records of one batch that share a key, in channel order.</summary>
/// <param name="KeyText">The key's canonical text (its per-key grain's name).</param>
/// <param name="Key">The key.</param>
/// <param name="Records">The records (an array of the operator's input type).</param>
internal readonly record struct KeySlice(string KeyText, object Key, object Records);

/// <summary>Groups a batch by key so each per-key grain gets all its records of the batch in one call.</summary>
internal interface IKeySplitter
{
    /// <summary>Splits a batch; slices come in order of each key's first record.</summary>
    IReadOnlyList<KeySlice> Split(object records, int start, int end);
}

internal sealed class KeySplitter<TKey, TIn>(IKeyRouter<TIn> router) : IKeySplitter
    where TKey : notnull
{
    private readonly KeyRouter<TIn, TKey> _router = (KeyRouter<TIn, TKey>)router;

    public IReadOnlyList<KeySlice> Split(object records, int start, int end)
    {
        var array = (TIn[])records;
        var groups = new Dictionary<TKey, List<TIn>>();
        var order = new List<TKey>();
        for (var i = start; i < end; i++)
        {
            var record = array[i];
            var key = _router.Key(record);
            if (!groups.TryGetValue(key, out var list))
            {
                list = [];
                groups.Add(key, list);
                order.Add(key);
            }

            list.Add(record);
        }

        var slices = new KeySlice[order.Count];
        for (var i = 0; i < slices.Length; i++)
        {
            var key = order[i];
            slices[i] = new KeySlice(KeyFormat.Format(key), key, groups[key].ToArray());
        }

        return slices;
    }
}
