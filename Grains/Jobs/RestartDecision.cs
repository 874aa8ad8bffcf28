namespace OrleansFlow.Jobs;

/// <summary>What to do after a job failure: restart after a delay, or give up and fail the job.</summary>
/// <param name="ShouldRestart">Whether to restart.</param>
/// <param name="Delay">How long to wait before restarting (zero when giving up).</param>
/// <param name="Attempt">Restarts granted so far, this one included when restarting.</param>
/// <param name="Reason">Why the job is not restarted, for its failure message; null when restarting.</param>
internal readonly record struct RestartDecision(bool ShouldRestart, TimeSpan Delay, int Attempt, string? Reason)
{
    /// <summary>Restart after <paramref name="delay"/>; this is restart number <paramref name="attempt"/>.</summary>
    public static RestartDecision RestartAfter(TimeSpan delay, int attempt) => new(true, delay, attempt, null);

    /// <summary>Do not restart, because of <paramref name="reason"/>, after <paramref name="attempts"/> restarts.</summary>
    public static RestartDecision GiveUp(string reason, int attempts) => new(false, TimeSpan.Zero, attempts, reason);
}
