using OrleansFlow.Keyed;

namespace OrleansFlow.Runtime;

/// <summary>
/// What a keyed subtask knows of one of its keys: whether its per-key grain holds the key's live state in this
/// attempt, the latest copy of its state the subtask holds (taken at a checkpoint barrier or when the key was
/// passivated), and its place in the subtask's least-recently-used order.
/// </summary>
internal sealed class KeyEntry(string keyText, object key)
{
    /// <summary>The key's canonical text (its per-key grain's name).</summary>
    public string KeyText { get; } = keyText;

    /// <summary>The key, as the key selector returned it.</summary>
    public object Key { get; } = key;

    /// <summary>The per-key grain, while it holds the key's live state (null when not resident).</summary>
    public IKeyedStateGrain? Grain { get; set; }

    /// <summary>
    /// The latest copy of the key's state the subtask holds (a key image, empty for a key with neither state nor
    /// timers), or null when it holds none.
    /// </summary>
    public byte[]? Image { get; set; }

    /// <summary>Whether <see cref="Image"/> is the key's state now (no call changed it since the copy was taken).</summary>
    public bool ImageIsCurrent { get; set; }

    /// <summary>Whether the subtask holds a copy of state (or timers) of the key.</summary>
    public bool HasState => Image is { Length: > 0 };

    /// <summary>Whether the key was called since the last checkpoint barrier (it is in the subtask's changed list).</summary>
    public bool Changed { get; set; }

    /// <summary>When the key was last called (the subtask clock's timestamp), for passivation.</summary>
    public long LastUsed { get; set; }

    /// <summary>The previous entry in least-recently-used order (owned by <see cref="KeyTable"/>).</summary>
    public KeyEntry? Older { get; set; }

    /// <summary>The next entry in least-recently-used order (owned by <see cref="KeyTable"/>).</summary>
    public KeyEntry? Newer { get; set; }

    /// <summary>Whether the per-key grain holds the key's live state in this attempt.</summary>
    public bool IsResident => Grain is not null;

    /// <summary>The seed the next call must carry when the grain does not hold the live state.</summary>
    public KeyStateSeed? SeedIfNeeded => IsResident ? null : HasState ? new KeyStateSeed(Image) : KeyStateSeed.Empty;
}
