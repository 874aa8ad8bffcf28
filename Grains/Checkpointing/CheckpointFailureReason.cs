namespace OrleansFlow.Checkpointing;

/// <summary>
/// Why a checkpoint did not complete or was not triggered, after Flink's CheckpointFailureReason.
/// <see cref="CheckpointFailureManager.CountsTowardsTolerance"/> tells which reasons count as checkpoint failures.
/// </summary>
internal enum CheckpointFailureReason
{
    /// <summary>The checkpoint was not fully acknowledged within the checkpoint timeout (Flink: CHECKPOINT_EXPIRED).</summary>
    Timeout,

    /// <summary>A task declined the checkpoint because its snapshot failed (Flink: CHECKPOINT_DECLINED).</summary>
    Declined,

    /// <summary>Writing the snapshot or the checkpoint's metadata to storage failed (Flink: IO_EXCEPTION).</summary>
    StorageFailure,

    /// <summary>A newer checkpoint completed or started aligning first (Flink: CHECKPOINT_SUBSUMED, CHECKPOINT_DECLINED_SUBSUMED).</summary>
    Subsumed,

    /// <summary>A task received a cancellation marker for the checkpoint (Flink: CHECKPOINT_DECLINED_ON_CANCELLATION_BARRIER).</summary>
    CancellationMarker,

    /// <summary>The job is failing or restarting (Flink: JOB_FAILOVER_REGION, TASK_FAILURE).</summary>
    JobFailing,

    /// <summary>The coordinator is stopping, for example because the job was cancelled (Flink: CHECKPOINT_COORDINATOR_SHUTDOWN).</summary>
    CoordinatorShutdown,

    /// <summary>Not triggered: as many checkpoints as allowed are in flight (Flink: TOO_MANY_CHECKPOINT_REQUESTS).</summary>
    TooManyConcurrent,

    /// <summary>Not triggered: the minimum pause after the previous checkpoint has not elapsed (Flink: MINIMUM_TIME_BETWEEN_CHECKPOINTS).</summary>
    MinimumPause,

    /// <summary>Not triggered or declined: a task that must take part is not running yet or is closing (Flink: NOT_ALL_REQUIRED_TASKS_RUNNING, CHECKPOINT_DECLINED_TASK_NOT_READY).</summary>
    TaskNotReady,
}
