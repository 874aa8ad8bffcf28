using System.Runtime.CompilerServices;

namespace OrleansFlow.Execution;

/// <summary>
/// A set of timer times kept as a sorted array. A key holds only a few timers at once (one or two per open window),
/// so insertion by binary search and shifting is cheaper than a tree, and it allocates only when the array grows
/// (a <c>SortedSet</c> allocates a node per timer, and every window of every key registers one).
/// </summary>
internal sealed class SortedTimes
{
    private long[] _times = [];

    public int Count { get; private set; }

    /// <summary>The earliest time; only when <see cref="Count"/> is above zero.</summary>
    public long Min => _times[0];

    /// <summary>Adds a time; false if it was there already.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool Add(long time)
    {
        var index = Array.BinarySearch(_times, 0, Count, time);
        if (index >= 0)
        {
            return false;
        }

        index = ~index;
        if (Count == _times.Length)
        {
            Array.Resize(ref _times, Math.Max(4, Count * 2));
        }

        Array.Copy(_times, index, _times, index + 1, Count - index);
        _times[index] = time;
        Count++;
        return true;
    }

    /// <summary>Removes a time; false if it was not there.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool Remove(long time)
    {
        var index = Array.BinarySearch(_times, 0, Count, time);
        if (index < 0)
        {
            return false;
        }

        Count--;
        Array.Copy(_times, index + 1, _times, index, Count - index);
        return true;
    }

    /// <summary>The times in order.</summary>
    public long[] ToArray() => _times.AsSpan(0, Count).ToArray();

    /// <summary>Replaces the contents with <paramref name="times"/> (any order, duplicates allowed).</summary>
    public void Reset(IEnumerable<long> times)
    {
        Count = 0;
        foreach (var time in times)
        {
            Add(time);
        }
    }
}
