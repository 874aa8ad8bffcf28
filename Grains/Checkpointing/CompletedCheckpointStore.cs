namespace OrleansFlow.Checkpointing;

/// <summary>
/// Keeps the last N completed checkpoints, as Flink's CompletedCheckpointStore: adding one beyond N evicts the
/// oldest and returns it so its storage can be released. The latest checkpoint is never evicted, since it is the one
/// a restart restores from.
/// </summary>
internal sealed class CompletedCheckpointStore
{
    private readonly LinkedList<CompletedCheckpoint> _checkpoints = new();

    /// <summary>Creates an empty store that retains up to <paramref name="maxRetained"/> checkpoints (at least 1).</summary>
    public CompletedCheckpointStore(int maxRetained)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRetained, 1);
        MaxRetained = maxRetained;
    }

    /// <summary>How many completed checkpoints are retained at most.</summary>
    public int MaxRetained { get; }

    /// <summary>How many are retained now.</summary>
    public int Count => _checkpoints.Count;

    /// <summary>The newest completed checkpoint, or null if there is none.</summary>
    public CompletedCheckpoint? Latest => _checkpoints.Last?.Value;

    /// <summary>The retained checkpoints, oldest first.</summary>
    public IReadOnlyCollection<CompletedCheckpoint> All => _checkpoints;

    /// <summary>
    /// Adds a newly completed checkpoint and returns the checkpoints evicted to stay within <see cref="MaxRetained"/>,
    /// oldest first (empty when none were).
    /// </summary>
    /// <exception cref="ArgumentException">Its id is not greater than the latest retained checkpoint's.</exception>
    public IReadOnlyList<CompletedCheckpoint> Add(CompletedCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        if (Latest is { } latest && checkpoint.CheckpointId <= latest.CheckpointId)
        {
            throw new ArgumentException(
                $"Checkpoint {checkpoint.CheckpointId} is not newer than the latest completed checkpoint {latest.CheckpointId}.", nameof(checkpoint));
        }

        _checkpoints.AddLast(checkpoint);
        var evicted = new List<CompletedCheckpoint>();
        while (_checkpoints.Count > MaxRetained)
        {
            evicted.Add(_checkpoints.First!.Value);
            _checkpoints.RemoveFirst();
        }

        return evicted;
    }

    /// <summary>
    /// Removes and returns every retained checkpoint, oldest first, for a job that ends without retaining its
    /// checkpoints (Flink's shutdown with a non-retaining cleanup).
    /// </summary>
    public IReadOnlyList<CompletedCheckpoint> Clear()
    {
        var removed = _checkpoints.ToList();
        _checkpoints.Clear();
        return removed;
    }
}
