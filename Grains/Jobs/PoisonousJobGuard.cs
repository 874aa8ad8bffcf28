using System.Globalization;

namespace OrleansFlow.Jobs;

/// <summary>
/// Tells a poisonous job (one whose own code takes silos down, e.g. <c>Environment.Exit</c> in <c>Build</c>) from bad
/// luck, so that its job manager stops redeploying it. Flink has no counterpart: a user function that kills a task
/// manager there is restarted as often as its restart strategy allows.
/// <para>
/// An attempt <em>coincides with a silo death</em> when it fails because a silo died (the job manager saw a silo of the
/// cluster declared dead, or its own silo died with the attempt and a new activation took the job over), or when a silo
/// was declared dead while the attempt was deploying or running, or before its restart, and the attempt failed in any
/// other way; and it did not complete a checkpoint of its own first (the latest completed checkpoint at the restart is
/// still the one the attempt restored). Each attempt is judged once, at the restart after it (a death declared between
/// its failure and its restart counts for it). When <see cref="Limit"/> attempts coincide with silo deaths with no
/// checkpoint completed in between, the next restart does not happen: the job is Failed as poisonous. An attempt that
/// completed a checkpoint resets the count; one that failed otherwise neither counts nor resets it (a task often sees a
/// silo's death as a failed call before the membership declares it, so the death may fail the next attempt instead). A
/// job without checkpointing never completes a checkpoint, so every attempt of it that fails with a silo's death counts.
/// </para>
/// The count and the last judged attempt live in the persisted <see cref="JobManagerState"/>, because the job manager
/// usually dies with the silos it counts. Plain and single-threaded; does no I/O.
/// </summary>
internal sealed class PoisonousJobGuard
{
    /// <summary>The <see cref="JobFailure.ExceptionType"/> of the failures the job manager reports for a silo's death.</summary>
    public const string SiloFailureType = "SiloFailure";

    /// <summary>The <see cref="JobFailure.ExceptionType"/> of the failure of a job found poisonous.</summary>
    public const string PoisonousJobType = "PoisonousJob";

    private readonly Func<JobManagerState> _job;
    private int? _siloDeathDuring;

    /// <summary>Creates the guard of the job whose persisted state is <paramref name="job"/>.</summary>
    /// <param name="job">The persisted state (read afresh on each call).</param>
    /// <param name="limit">Attempts in a row that coincide with silo deaths before the job is poisonous; 0 turns the guard off.</param>
    public PoisonousJobGuard(Func<JobManagerState> job, int limit)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        _job = job;
        Limit = limit;
    }

    /// <summary>Attempts in a row that make a job poisonous (0: never).</summary>
    public int Limit { get; }

    private JobManagerState Job => _job();

    /// <summary>
    /// A silo of the cluster was declared dead while <paramref name="attempt"/> deployed or ran, or after it failed and
    /// before its restart (a death is often seen by a task, as a failed call, before the membership declares it).
    /// </summary>
    public void SiloDied(int attempt) => _siloDeathDuring = attempt;

    /// <summary>
    /// Before the restart after the current attempt failed (its failure is <see cref="JobManagerState.LastFailure"/>),
    /// knowing the latest completed checkpoint: judges the attempt once (it completed a checkpoint: the count starts
    /// again; it coincides with a silo's death: it counts; otherwise the count stays). Returns why the job is
    /// poisonous (its failure message), or null to restart. The caller persists the state.
    /// </summary>
    public string? BeforeRestart(long latestCompletedCheckpoint)
    {
        var failed = Job.Attempt;
        if (Job.LastJudgedAttempt is not { } judged || failed > judged)
        {
            Job.LastJudgedAttempt = failed;
            var progressed = failed < Job.RestorePoints.Count && latestCompletedCheckpoint > Job.RestorePoints[failed];
            var coincides = Job.LastFailure?.ExceptionType == SiloFailureType || _siloDeathDuring == failed;
            Job.SiloDeathStreak = progressed ? 0 : coincides ? Job.SiloDeathStreak + 1 : Job.SiloDeathStreak;
        }

        if (Limit == 0 || Job.SiloDeathStreak < Limit)
        {
            return null;
        }

        var last = Job.LastFailure is { } failure ? $"; last: {failure.Message}" : string.Empty;
        return string.Create(CultureInfo.InvariantCulture,
            $"poisonous job: {Job.SiloDeathStreak} attempts in a row coincided with a silo's death before completing a checkpoint{last}; not redeployed, so that the silos stay up (JobManagerOptions.PoisonousJobSiloDeaths is {Limit})");
    }
}
