namespace OrleansFlow.Checkpointing;

/// <summary>
/// One triggered checkpoint waiting for its tasks' acknowledgements, as Flink's PendingCheckpoint. It knows which
/// tasks (vertex, subtask) must acknowledge, sums their state sizes, and ends exactly once: completed when every
/// task acknowledged, or aborted (declined, timed out, subsumed, ...). It decides only; sending barriers, timers and
/// storage are the coordinator's.
/// </summary>
internal sealed class PendingCheckpoint
{
    private readonly HashSet<(int Vertex, int Subtask)> _notYetAcknowledged;
    private readonly Dictionary<(int Vertex, int Subtask), long> _acknowledged = [];
    private readonly TimeProvider _time;

    /// <summary>Creates a pending checkpoint triggered now.</summary>
    /// <param name="checkpointId">The checkpoint's id.</param>
    /// <param name="tasksToAcknowledge">The tasks that must acknowledge before it completes (at least one).</param>
    /// <param name="timeout">How long after the trigger it may stay pending before <see cref="AbortIfExpired"/> aborts it.</param>
    /// <param name="time">The clock.</param>
    public PendingCheckpoint(long checkpointId, IEnumerable<(int Vertex, int Subtask)> tasksToAcknowledge, TimeSpan timeout, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(checkpointId);
        ArgumentNullException.ThrowIfNull(tasksToAcknowledge);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        ArgumentNullException.ThrowIfNull(time);

        _notYetAcknowledged = [.. tasksToAcknowledge];
        if (_notYetAcknowledged.Count == 0)
        {
            throw new ArgumentException("A checkpoint needs at least one task to acknowledge it.", nameof(tasksToAcknowledge));
        }

        _time = time;
        CheckpointId = checkpointId;
        TaskCount = _notYetAcknowledged.Count;
        TriggerTime = time.GetUtcNow();
        Deadline = TriggerTime + timeout;
    }

    /// <summary>The checkpoint's id.</summary>
    public long CheckpointId { get; }

    /// <summary>When it was triggered.</summary>
    public DateTimeOffset TriggerTime { get; }

    /// <summary>When it times out if still in progress (trigger time plus the checkpoint timeout).</summary>
    public DateTimeOffset Deadline { get; }

    /// <summary>How many tasks must acknowledge.</summary>
    public int TaskCount { get; }

    /// <summary>How many tasks have acknowledged.</summary>
    public int AcknowledgedCount => _acknowledged.Count;

    /// <summary>The tasks still to acknowledge.</summary>
    public IReadOnlyCollection<(int Vertex, int Subtask)> NotYetAcknowledged => _notYetAcknowledged;

    /// <summary>Whether every task has acknowledged (and it was not aborted).</summary>
    public bool IsFullyAcknowledged => _notYetAcknowledged.Count == 0 && Status != PendingCheckpointStatus.Aborted;

    /// <summary>Whether it has ended, completed or aborted; such a checkpoint accepts no more acknowledgements.</summary>
    public bool IsDiscarded => Status != PendingCheckpointStatus.InProgress;

    /// <summary>In progress, completed or aborted.</summary>
    public PendingCheckpointStatus Status { get; private set; }

    /// <summary>Why it was aborted; null unless <see cref="Status"/> is Aborted.</summary>
    public CheckpointFailureReason? FailureReason { get; private set; }

    /// <summary>A description of the failure (the declining task and its message), if any.</summary>
    public string? FailureMessage { get; private set; }

    /// <summary>The sum of the acknowledged tasks' state sizes, in bytes.</summary>
    public long TotalStateSize { get; private set; }

    /// <summary>When it completed or was aborted; null while in progress.</summary>
    public DateTimeOffset? EndTime { get; private set; }

    /// <summary>From trigger to completion or abort; null while in progress.</summary>
    public TimeSpan? Duration => EndTime - TriggerTime;

    /// <summary>Records a task's acknowledgement and the size of the state it snapshotted.</summary>
    public AcknowledgeResult Acknowledge((int Vertex, int Subtask) task, long stateSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(stateSize);
        if (IsDiscarded)
        {
            return AcknowledgeResult.Discarded;
        }

        if (!_notYetAcknowledged.Remove(task))
        {
            return _acknowledged.ContainsKey(task) ? AcknowledgeResult.Duplicate : AcknowledgeResult.Unknown;
        }

        _acknowledged[task] = stateSize;
        TotalStateSize += stateSize;
        return AcknowledgeResult.Success;
    }

    /// <summary>
    /// A task declined the checkpoint (its snapshot or storage write failed, it received a cancellation marker, ...):
    /// the checkpoint is aborted. Returns false if it had already ended.
    /// </summary>
    public bool Decline((int Vertex, int Subtask) task, CheckpointFailureReason reason = CheckpointFailureReason.Declined, string? message = null)
    {
        var description = message is null
            ? $"Declined by vertex {task.Vertex} subtask {task.Subtask}."
            : $"Declined by vertex {task.Vertex} subtask {task.Subtask}: {message}";
        return Abort(reason, description);
    }

    /// <summary>Aborts the checkpoint. Returns false (and changes nothing) if it had already ended.</summary>
    public bool Abort(CheckpointFailureReason reason, string? message = null)
    {
        if (IsDiscarded)
        {
            return false;
        }

        Status = PendingCheckpointStatus.Aborted;
        FailureReason = reason;
        FailureMessage = message;
        EndTime = _time.GetUtcNow();
        return true;
    }

    /// <summary>
    /// Aborts the checkpoint with <see cref="CheckpointFailureReason.Timeout"/> if it is still in progress and its
    /// <see cref="Deadline"/> has passed. Returns whether it did.
    /// </summary>
    public bool AbortIfExpired() =>
        !IsDiscarded && _time.GetUtcNow() >= Deadline && Abort(CheckpointFailureReason.Timeout, $"Not acknowledged by {_notYetAcknowledged.Count} of {TaskCount} tasks before the deadline.");

    /// <summary>Completes a fully acknowledged checkpoint and returns its record.</summary>
    /// <exception cref="InvalidOperationException">It has ended already or some task has not acknowledged.</exception>
    public CompletedCheckpoint Complete()
    {
        if (IsDiscarded)
        {
            throw new InvalidOperationException($"Checkpoint {CheckpointId} has already ended ({Status}).");
        }

        if (!IsFullyAcknowledged)
        {
            throw new InvalidOperationException($"Checkpoint {CheckpointId} still waits for {_notYetAcknowledged.Count} of {TaskCount} tasks.");
        }

        Status = PendingCheckpointStatus.Completed;
        var completion = _time.GetUtcNow();
        EndTime = completion;
        return new CompletedCheckpoint(CheckpointId, TriggerTime, completion, TotalStateSize, new Dictionary<(int Vertex, int Subtask), long>(_acknowledged));
    }
}
