namespace OrleansFlow.Jobs;

/// <summary>What a job manager persists, so that a job outlives the silo its manager runs on.</summary>
[GenerateSerializer, Alias("flow.JobManagerState")]
internal sealed class JobManagerState : Checkpointing.IFencedState
{
    [Id(0)]
    public JobSubmission? Submission { get; set; }

    [Id(1)]
    public JobStatus Status { get; set; } = JobStatus.Created;

    /// <summary>The failure that ended the job, if it failed.</summary>
    [Id(2)]
    public JobFailure? Failure { get; set; }

    /// <summary>The latest failure that caused a restart.</summary>
    [Id(3)]
    public JobFailure? LastFailure { get; set; }

    /// <summary>The current execution attempt.</summary>
    [Id(4)]
    public int Attempt { get; set; }

    /// <summary>For each attempt so far, the checkpoint it started from (0 for none); [0] from submission on.</summary>
    /// <remarks>
    /// Empty by default, never pre-filled: the silo's JSON grain storage serializer (Newtonsoft.Json, which reuses a
    /// collection the constructor created) appends the stored list to the default one, so a default of [0] read back
    /// as [0, 0, ...] and shifted every restore point after a job manager failover.
    /// </remarks>
    [Id(5)]
    public List<long> RestorePoints { get; set; } = [];

    /// <summary>When the job was submitted.</summary>
    [Id(10)]
    public DateTimeOffset SubmittedAt { get; set; }

    /// <summary>When the job reached a terminal status, or null while it has not.</summary>
    [Id(14)]
    public DateTimeOffset? EndedAt { get; set; }

    /// <summary>
    /// The job stopped its attempt because a silo is leaving gracefully and waits to be redeployed on the others
    /// (elastic scale): a job manager activated in this state redeploys instead of counting a failure.
    /// </summary>
    [Id(11)]
    public bool AwaitingRedeploy { get; set; }

    /// <summary>
    /// The job manager's generation: every activation that takes the job over (on submission, or activated for a job
    /// that has not ended) raises it with a version-checked write before it acts. The coordinator refuses commands of
    /// an older generation, and an activation whose write finds a newer one steps aside.
    /// </summary>
    [Id(12)]
    public long Epoch { get; set; }

    /// <inheritdoc />
    [Id(13)]
    public string? Writer { get; set; }

    /// <summary>Attempts in a row that coincided with a silo's death (<see cref="PoisonousJobGuard"/>).</summary>
    [Id(15)]
    public int SiloDeathStreak { get; set; }

    /// <summary>The last attempt <see cref="PoisonousJobGuard"/> judged, or null before the first failure.</summary>
    [Id(16)]
    public int? LastJudgedAttempt { get; set; }

    /// <summary>
    /// The last attempt's task metrics, read just before the job ended (finished, cancelled, stopped or failed), so that
    /// an ended job still shows each operator's final records in and out (its tasks are gone). Empty while it runs and
    /// for subtasks that did not answer. Empty by default, never pre-filled (see <see cref="RestorePoints"/>).
    /// </summary>
    [Id(17)]
    public List<Metrics.TaskMetrics> FinalMetrics { get; set; } = [];
}
