using OrleansFlow.Checkpoints;

namespace OrleansFlow.Checkpointing;

/// <summary>
/// Keeps the last N completed checkpoints, as Flink's CompletedCheckpointStore: adding one beyond N evicts the
/// oldest and returns it so its storage can be released. The latest checkpoint is never evicted, since it is the one
/// a restart restores from. The store works in place on the list it is given (the coordinator's persisted
/// <see cref="CoordinatorState.Retained"/>), so a write of that state persists it; when the write fails,
/// <see cref="RollBack"/> undoes the addition.
/// </summary>
internal sealed class CompletedCheckpointStore
{
    private readonly List<RetainedCheckpoint> _checkpoints;

    /// <summary>Creates an empty store that retains up to <paramref name="maxRetained"/> checkpoints (at least 1).</summary>
    public CompletedCheckpointStore(int maxRetained)
        : this(maxRetained, [])
    {
    }

    /// <summary>A store over <paramref name="checkpoints"/> (oldest first), which it changes in place.</summary>
    /// <param name="maxRetained">How many checkpoints are retained at most (at least 1).</param>
    /// <param name="checkpoints">The retained checkpoints, oldest first.</param>
    public CompletedCheckpointStore(int maxRetained, List<RetainedCheckpoint> checkpoints)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRetained, 1);
        ArgumentNullException.ThrowIfNull(checkpoints);
        MaxRetained = maxRetained;
        _checkpoints = checkpoints;
    }

    /// <summary>How many completed checkpoints are retained at most.</summary>
    public int MaxRetained { get; }

    /// <summary>How many are retained now.</summary>
    public int Count => _checkpoints.Count;

    /// <summary>The newest completed checkpoint, or null if there is none.</summary>
    public RetainedCheckpoint? Latest => _checkpoints.Count == 0 ? null : _checkpoints[^1];

    /// <summary>The newest completed checkpoint's id, or <see cref="CheckpointIds.None"/> if there is none.</summary>
    public long LatestId => Latest?.CheckpointId ?? CheckpointIds.None;

    /// <summary>The retained checkpoints, oldest first.</summary>
    public IReadOnlyList<RetainedCheckpoint> All => _checkpoints;

    /// <summary>The retained checkpoint with this id, or null.</summary>
    public RetainedCheckpoint? Find(long checkpointId) => _checkpoints.Find(c => c.CheckpointId == checkpointId);

    /// <summary>
    /// Adds a newly completed checkpoint and returns the checkpoints evicted to stay within <see cref="MaxRetained"/>,
    /// oldest first (empty when none were).
    /// </summary>
    /// <exception cref="ArgumentException">Its id is not greater than the latest retained checkpoint's.</exception>
    public IReadOnlyList<RetainedCheckpoint> Add(RetainedCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        if (Latest is { } latest && checkpoint.CheckpointId <= latest.CheckpointId)
        {
            throw new ArgumentException(
                $"Checkpoint {checkpoint.CheckpointId} is not newer than the latest completed checkpoint {latest.CheckpointId}.", nameof(checkpoint));
        }

        _checkpoints.Add(checkpoint);
        var evicted = new List<RetainedCheckpoint>();
        while (_checkpoints.Count > MaxRetained)
        {
            evicted.Add(_checkpoints[0]);
            _checkpoints.RemoveAt(0);
        }

        return evicted;
    }

    /// <summary>
    /// Undoes an <see cref="Add"/> whose checkpoint could not be persisted: removes <paramref name="added"/> and puts
    /// back what it evicted, so the previous latest checkpoint is again the one to restore.
    /// </summary>
    /// <exception cref="InvalidOperationException"><paramref name="added"/> is not the latest checkpoint.</exception>
    public void RollBack(RetainedCheckpoint added, IReadOnlyList<RetainedCheckpoint> evicted)
    {
        ArgumentNullException.ThrowIfNull(added);
        ArgumentNullException.ThrowIfNull(evicted);
        if (!ReferenceEquals(Latest, added))
        {
            throw new InvalidOperationException($"Checkpoint {added.CheckpointId} is not the latest completed checkpoint; it cannot be rolled back.");
        }

        _checkpoints.RemoveAt(_checkpoints.Count - 1);
        _checkpoints.InsertRange(0, evicted);
    }

    /// <summary>
    /// Removes and returns every retained checkpoint, oldest first, for a job that ends without retaining its
    /// checkpoints (Flink's shutdown with a non-retaining cleanup).
    /// </summary>
    public IReadOnlyList<RetainedCheckpoint> Clear()
    {
        var removed = _checkpoints.ToList();
        _checkpoints.Clear();
        return removed;
    }
}
