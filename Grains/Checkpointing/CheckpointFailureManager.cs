namespace OrleansFlow.Checkpointing;

/// <summary>
/// Counts consecutive checkpoint failures against the tolerable number, as Flink's CheckpointFailureManager: the job
/// should fail when more than <see cref="TolerableFailures"/> checkpoints in a row have failed. A completed
/// checkpoint resets the count. Each checkpoint id counts at most once, a failure of a checkpoint older than the last
/// completed one does not count (with concurrent checkpoints it is already superseded), and only reasons for which
/// <see cref="CountsTowardsTolerance"/> is true count.
/// </summary>
internal sealed class CheckpointFailureManager
{
    private readonly HashSet<long> _counted = [];
    private long _lastSucceededId;

    /// <summary>Creates a manager that tolerates <paramref name="tolerableFailures"/> consecutive failures (0: the first fails the job).</summary>
    public CheckpointFailureManager(int tolerableFailures)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(tolerableFailures);
        TolerableFailures = tolerableFailures;
    }

    /// <summary>How many consecutive failures are tolerated.</summary>
    public int TolerableFailures { get; }

    /// <summary>How many consecutive failures have been counted since the last completed checkpoint.</summary>
    public int ContinuousFailures => _counted.Count;

    /// <summary>
    /// Whether a failure for this reason counts against the tolerance. Failures caused by the trigger limits, by a
    /// newer checkpoint, by the job failing or shutting down, or by another task's failure (a cancellation marker) do
    /// not, as in Flink.
    /// </summary>
    public static bool CountsTowardsTolerance(CheckpointFailureReason reason) => reason switch
    {
        CheckpointFailureReason.Timeout or CheckpointFailureReason.Declined or CheckpointFailureReason.StorageFailure => true,
        _ => false,
    };

    /// <summary>Records a failed checkpoint; returns true when the job should now fail.</summary>
    public bool OnFailure(long checkpointId, CheckpointFailureReason reason)
    {
        if (CountsTowardsTolerance(reason) && checkpointId > _lastSucceededId)
        {
            _counted.Add(checkpointId);
        }

        return _counted.Count > TolerableFailures;
    }

    /// <summary>
    /// Records a completed checkpoint: the count starts again from zero. A completion older than the last one
    /// recorded changes nothing.
    /// </summary>
    public void OnSuccess(long checkpointId)
    {
        if (checkpointId > _lastSucceededId)
        {
            _lastSucceededId = checkpointId;
            _counted.Clear();
        }
    }
}
