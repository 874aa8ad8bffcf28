namespace OrleansFlow.Checkpointing;

/// <summary>What <see cref="CheckpointScheduler.Decide"/> says about a periodic checkpoint.</summary>
internal enum TriggerVerdict
{
    /// <summary>Trigger a checkpoint now.</summary>
    TriggerNow,

    /// <summary>The next periodic checkpoint is not due yet; ask again at the decision's next attempt time.</summary>
    NotDue,

    /// <summary>As many checkpoints as allowed are in flight; ask again when one of them completes or is aborted.</summary>
    TooManyConcurrent,

    /// <summary>The minimum pause after the last checkpoint has not elapsed; ask again at the decision's next attempt time.</summary>
    MinimumPause,
}
