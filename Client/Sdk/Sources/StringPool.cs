using System.Numerics;
using System.Runtime.CompilerServices;

namespace OrleansFlow.Sources;

/// <summary>
/// Hands out one string instance per distinct text it has seen recently, so parsers can turn a field that repeats
/// (a key, a category) into a string without allocating one per record. A fixed table of recent strings indexed by
/// hash: a text whose slot holds another string gets a new string, which takes the slot. Safe for concurrent use
/// (each slot is one reference, read and replaced atomically); memory is bounded by the table size.
/// </summary>
public sealed class StringPool
{
    private readonly string?[] _slots;

    /// <summary>A pool with room for about <paramref name="capacity"/> strings (rounded up to a power of two).</summary>
    public StringPool(int capacity = 65536)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _slots = new string?[BitOperations.RoundUpToPowerOf2((uint)capacity)];
    }

    /// <summary>A string equal to <paramref name="text"/>: the pooled one if there is one, else a new one (then pooled).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public string Get(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return string.Empty;
        }

        var slot = Graph.KeyFormat.Hash(text) & (_slots.Length - 1); // cheaper than the randomized string hash; a table, not a defence
        var pooled = _slots[slot];
        if (pooled is not null && text.SequenceEqual(pooled))
        {
            return pooled;
        }

        var created = text.ToString();
        _slots[slot] = created;
        return created;
    }
}
