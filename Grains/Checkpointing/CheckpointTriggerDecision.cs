namespace OrleansFlow.Checkpointing;

/// <summary>Whether a periodic checkpoint may start now, and if not, when to ask again.</summary>
/// <param name="Verdict">Trigger now, or why not.</param>
/// <param name="NextAttemptAt">
/// When to ask again: the due time (<see cref="TriggerVerdict.NotDue"/>) or the end of the minimum pause
/// (<see cref="TriggerVerdict.MinimumPause"/>); null when triggering now or when waiting for an in-flight
/// checkpoint to end (<see cref="TriggerVerdict.TooManyConcurrent"/>).
/// </param>
internal readonly record struct CheckpointTriggerDecision(TriggerVerdict Verdict, DateTimeOffset? NextAttemptAt)
{
    /// <summary>Whether a checkpoint may be triggered now.</summary>
    public bool CanTrigger => Verdict == TriggerVerdict.TriggerNow;
}
