namespace OrleansFlow.Jobs;

/// <summary>
/// A job's status and every transition of it, as Flink's JobMaster and scheduler drive <c>JobStatus</c>: the job
/// manager grain asks it before each step and carries the step out (deploy, cancel, coordinator calls, persistence,
/// timers). It owns the persisted <see cref="JobManagerState"/>'s status, attempt, failures and redeploy mark, the
/// tasks that reported finished, and what this activation is doing (a restart scheduled or running, a redeploy, the
/// final commit) in place of loose flags. Restart delays come from the job's <see cref="RestartPolicy"/>; time from a
/// <see cref="TimeProvider"/>. It does no I/O.
/// <para>Transitions (a failure is a task failure, a silo's death, or a step of a restart that failed):</para>
/// <code>
/// from           event                                   to             what the grain does
/// (none)         Submit                                  Created        persist, deploy attempt 0
/// Created        attempt deployed                        Running        persist, start coordinator and sources
/// Created        deployment failed                       Failed         persist (no restart before the first deploy)
/// Running        every task finished                     Running*       * finishing: stop coordinator, final commit
/// Running*       final commit done                       Finished       persist, release tasks
/// Running*       final commit failed                     Running        then handled as a failure (below)
/// Running        failure, policy restarts after d        Restarting     stop coordinator, persist, cancel tasks, timer d
/// Running        failure, policy gives up                Failed         persist, stop coordinator, cancel tasks
/// Restarting     failure                                 Restarting     nothing (Flink: Restarting ignores failures)
/// Restarting     restart timer                           Restarting     attempt+1 persisted, deploy it
/// Restarting     new attempt deployed                    Running        persist, start coordinator and sources
/// Restarting     latest checkpoint unreadable,           Running→       handled as a failure of the attempt: restart
///                attempt not persisted, deploy failed    ...            after the policy's delay, or Failed
/// Restarting     no restart scheduled or running for 5 s Restarting     restart now (watchdog; a step nothing handled)
/// Restarting     restart finds the job poisonous         Failed         persist, stop coordinator (PoisonousJobGuard)
/// Running        stop-with-savepoint completed           Running*       commit the savepoint, cancel tasks
/// Running*       savepoint committed                     Finished       persist
/// Running        silo joins / leaves gracefully          Restarting     redeploy (not a failure, no policy): stop
///                (checkpointing on)                                     coordinator, persist, cancel tasks
/// Restarting     leaving silo drained, or grace over     Restarting     new attempt (as a restart)
/// any not ended  Cancel                                  Canceling      stop coordinator, cancel tasks
/// Canceling      tasks cancelled                         Canceled       persist
/// Running        taken over by a new activation          Running        handled as a failure (its tasks are lost)
/// Restarting     taken over by a new activation          Running        handled as a failure (its restart timer died)
/// Restarting+AwaitingRedeploy  taken over                Restarting     wait for the resume, or redeploy after grace
/// any            stale (another activation wrote)        unchanged      this activation stops acting, deactivates
/// </code>
/// Finished, Failed and Canceled are terminal: every event after them is ignored.
/// </summary>
internal sealed class JobLifecycle
{
    /// <summary>How long a job may stay Restarting with no restart scheduled or running before it restarts anyway.</summary>
    public TimeSpan StalledRestartAfter { get; }

    private readonly TimeProvider _time;
    private readonly Action<JobStatus> _statusChanged;
    private readonly HashSet<(int Vertex, int Subtask)> _finished = [];
    private RestartPolicy? _restarts;
    private RestartActivity _restart;
    private long _restartingSince;

    /// <summary>Creates the lifecycle of the job whose persisted state is <paramref name="job"/>.</summary>
    /// <param name="job">The persisted state (it may be replaced by a take-over: pass a function reading it afresh).</param>
    /// <param name="time">The clock for restart delays and the restart watchdog.</param>
    /// <param name="statusChanged">Told of every status set, after it is set (logging, terminal bookkeeping).</param>
    /// <param name="stalledRestartAfter">How long Restarting with no restart under way counts as stalled (default 5 s).</param>
    public JobLifecycle(Func<JobManagerState> job, TimeProvider time, Action<JobStatus> statusChanged, TimeSpan? stalledRestartAfter = null)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(statusChanged);
        State = job;
        _time = time;
        _statusChanged = statusChanged;
        StalledRestartAfter = stalledRestartAfter ?? TimeSpan.FromSeconds(5);
    }

    /// <summary>What a restart of this activation is doing.</summary>
    private enum RestartActivity
    {
        None,
        Scheduled,
        Running,
    }

    /// <summary>The job's status.</summary>
    public JobStatus Status => Job.Status;

    /// <summary>The current attempt.</summary>
    public int Attempt => Job.Attempt;

    /// <summary>This activation was superseded by another: it must not act on the job any more.</summary>
    public bool IsStale { get; private set; }

    /// <summary>Every task finished or the job stops with a savepoint: the job is on its way to Finished.</summary>
    public bool IsFinishing { get; private set; }

    /// <summary>The running attempt is being replaced for elastic scale (a redeploy, not a failure).</summary>
    public bool IsRedeploying { get; private set; }

    /// <summary>A restart's timer is pending.</summary>
    public bool RestartScheduled => _restart == RestartActivity.Scheduled;

    /// <summary>Tasks of the current attempt that reported finished.</summary>
    public int FinishedTasks => _finished.Count;

    /// <summary>The restart strategy, created from the submission on first use.</summary>
    public RestartPolicy Restarts => _restarts ??= new RestartPolicy(RestartPolicy.SettingsFor(Submission), _time);

    private Func<JobManagerState> State { get; }

    private JobManagerState Job => State();

    private JobSubmission Submission => Job.Submission ?? throw new InvalidOperationException("The job was not submitted.");

    /// <summary>Records a new submission: epoch 1, the first attempt restoring <paramref name="restoreFrom"/>.</summary>
    public void Submit(JobSubmission submission, long restoreFrom)
    {
        ArgumentNullException.ThrowIfNull(submission);
        if (Job.Submission is not null)
        {
            throw new InvalidOperationException($"Job {submission.JobId} was already submitted.");
        }

        Job.Submission = submission;
        Job.Epoch = 1;
        Job.SubmittedAt = _time.GetUtcNow();
        Job.RestorePoints = [restoreFrom];
        _restarts = null;
    }

    /// <summary>
    /// A new activation took over a job that has not ended. Returns what it must do: nothing (ended, or stale),
    /// wait for a redeploy, or handle the lost attempt as a failure.
    /// </summary>
    public TakeOverAction TakeOver()
    {
        if (IsStale || Job.Status.IsTerminal())
        {
            return TakeOverAction.None;
        }

        if (Job.AwaitingRedeploy && Job.Status == JobStatus.Restarting)
        {
            IsRedeploying = true;
            return TakeOverAction.AwaitRedeploy;
        }

        // Its previous activation died with its silo: the attempt's tasks are gone or orphaned, and a restart timer
        // died with it. Running again, so the loss is handled as a failure (Restarting ignores failures).
        if (Job.Status == JobStatus.Restarting)
        {
            Job.Status = JobStatus.Running;
        }

        return TakeOverAction.HandleLostAttempt;
    }

    /// <summary>The attempt's tasks are deployed: the job is Running.</summary>
    public void Deployed() => SetStatus(JobStatus.Running);

    /// <summary>Deploying the first attempt failed: the job is Failed with <paramref name="failure"/>.</summary>
    public void DeployFailed(JobFailure failure) => Fail(failure);

    /// <summary>Storage lost the job's record (<see cref="StorageLostException"/>): the job is Failed with <paramref name="failure"/>, never restarted.</summary>
    public void StorageLost(JobFailure failure) => Fail(failure);

    /// <summary>A restart found the job poisonous (<see cref="PoisonousJobGuard"/>): the job is Failed with <paramref name="failure"/>, not redeployed.</summary>
    public void Poisonous(JobFailure failure) => Fail(failure);

    /// <summary>A task of <paramref name="attempt"/> finished; returns true when it was the last one and the job now finishes.</summary>
    public bool TaskFinished(int vertexId, int subtask, int attempt)
    {
        if (attempt != Job.Attempt || Job.Status != JobStatus.Running || IsFinishing || !_finished.Add((vertexId, subtask))
            || _finished.Count != Submission.Plan.TaskCount)
        {
            return false;
        }

        IsFinishing = true;
        return true;
    }

    /// <summary>The final commit failed: the job is no longer finishing (the failure is then reported).</summary>
    public void FinishFailed() => IsFinishing = false;

    /// <summary>The job ended well: every task finished and committed, or it stopped with a savepoint.</summary>
    public void Finished() => SetStatus(JobStatus.Finished);

    /// <summary>Whether a savepoint may be taken now (a running job that is not finishing).</summary>
    public bool CanTakeSavepoint => !IsStale && Job.Status == JobStatus.Running && !IsFinishing;

    /// <summary>A stop-with-savepoint's savepoint completed; returns true when the job now finishes with it.</summary>
    public bool StopWithSavepoint()
    {
        if (!CanTakeSavepoint)
        {
            return false;
        }

        IsFinishing = true;
        return true;
    }

    /// <summary>Whether a failure of <paramref name="attempt"/> is one to handle now (of the current attempt, while it runs).</summary>
    public bool IsFailureToHandle(int attempt) =>
        !IsStale && attempt == Job.Attempt && Job.Status is not (JobStatus.Restarting or JobStatus.Canceling) && !Job.Status.IsTerminal() && !IsFinishing;

    /// <summary>
    /// A failure of the running attempt (<see cref="IsFailureToHandle"/> was true): the restart strategy decides.
    /// Restarting after a delay (the grain schedules the restart), or Failed.
    /// </summary>
    public RestartDecision Fail(int attempt, JobFailure failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        if (!IsFailureToHandle(attempt))
        {
            throw new InvalidOperationException($"A failure of attempt {attempt} is not handled while the job is {Job.Status} in attempt {Job.Attempt}.");
        }

        var decision = Restarts.OnFailure();
        if (!decision.ShouldRestart)
        {
            Fail(Restarts.Settings.Kind == RestartStrategyKind.None
                ? failure
                : failure with { Message = $"{failure.Message} (not restarted: {decision.Reason})" });
            return decision;
        }

        Job.LastFailure = failure;
        SetStatus(JobStatus.Restarting);
        _restart = RestartActivity.Scheduled;
        return decision;
    }

    /// <summary>
    /// The restart timer fired (or a redeploy or the watchdog restarts now): returns true when a new attempt starts,
    /// false when there is nothing to restart (stale, cancelled, already restarting).
    /// </summary>
    public bool BeginRestart()
    {
        if (_restart == RestartActivity.Scheduled)
        {
            _restart = RestartActivity.None;
        }

        if (IsStale || _restart == RestartActivity.Running || Job.Status != JobStatus.Restarting)
        {
            return false;
        }

        _restart = RestartActivity.Running;
        return true;
    }

    /// <summary>The restart begun by <see cref="BeginRestart"/> ended (deployed, failed again and rescheduled, or stale).</summary>
    public void EndRestart()
    {
        if (_restart == RestartActivity.Running)
        {
            _restart = RestartActivity.None;
        }
    }

    /// <summary>A new attempt restoring <paramref name="restoreFrom"/>; returns its number (persist it before deploying).</summary>
    public int NewAttempt(long restoreFrom)
    {
        Job.Attempt++;
        Job.RestorePoints.Add(restoreFrom);
        _finished.Clear();
        return Job.Attempt;
    }

    /// <summary>
    /// A step of the restart failed (the latest checkpoint unreadable, the attempt not persisted, the deployment
    /// failed): the attempt counts as running again so the failure goes to the restart strategy.
    /// </summary>
    public void RestartStepFailed() => SetStatus(JobStatus.Running);

    /// <summary>Whether the running job can be redeployed for elastic scale now.</summary>
    public bool CanRedeploy =>
        Job.Submission is { Checkpointing.IsEnabled: true } && Job.Status == JobStatus.Running && !IsFinishing && !IsRedeploying;

    /// <summary>The running attempt stops for a redeploy (a silo joined or is leaving): Restarting, without the restart strategy.</summary>
    public void BeginRedeploy()
    {
        IsRedeploying = true;
        SetStatus(JobStatus.Restarting);
    }

    /// <summary>The job waits for a leaving silo to move its state off before it redeploys.</summary>
    public void AwaitRedeploy() => Job.AwaitingRedeploy = true;

    /// <summary>Whether the job waits for a leaving silo's drain before it redeploys.</summary>
    public bool IsAwaitingRedeploy => Job.AwaitingRedeploy && Job.Status == JobStatus.Restarting;

    /// <summary>The redeploy's new attempt starts now (a restart, see <see cref="BeginRestart"/>).</summary>
    public void RedeployNow() => Job.AwaitingRedeploy = false;

    /// <summary>The redeploy's restart ended.</summary>
    public void EndRedeploy() => IsRedeploying = false;

    /// <summary>A user cancels the job; returns false when it has already ended (nothing to do).</summary>
    public bool BeginCancel()
    {
        if (Job.Status.IsTerminal())
        {
            return false;
        }

        _restart = RestartActivity.None; // a scheduled restart finds the job Canceling and does nothing
        SetStatus(JobStatus.Canceling);
        return true;
    }

    /// <summary>The cancelled job's tasks were told to stop: the job is Canceled.</summary>
    public void Canceled() => SetStatus(JobStatus.Canceled);

    /// <summary>
    /// Whether the job is Restarting with no restart scheduled or running, no redeploy awaited, for
    /// <see cref="StalledRestartAfter"/> or longer: a step failed in a way nothing handled, so it restarts now.
    /// </summary>
    public bool IsRestartStalled(out TimeSpan stalledFor)
    {
        stalledFor = _time.GetElapsedTime(_restartingSince);
        return !IsStale && Job.Status == JobStatus.Restarting && _restart == RestartActivity.None && !Job.AwaitingRedeploy
            && stalledFor >= StalledRestartAfter;
    }

    /// <summary>Another activation has written the job's state: this one steps aside. Returns false when it already had.</summary>
    public bool StepAside()
    {
        if (IsStale)
        {
            return false;
        }

        IsStale = true;
        _restart = RestartActivity.None;
        return true;
    }

    private void Fail(JobFailure failure)
    {
        if (Job.Status.IsTerminal())
        {
            return;
        }

        Job.Failure = failure;
        SetStatus(JobStatus.Failed);
    }

    private void SetStatus(JobStatus status)
    {
        if (status == JobStatus.Restarting && Job.Status != JobStatus.Restarting)
        {
            _restartingSince = _time.GetTimestamp();
        }

        Job.Status = status;
        if (status.IsTerminal())
        {
            Job.EndedAt ??= _time.GetUtcNow();
        }

        _statusChanged(status);
    }
}

/// <summary>What a job manager activation that took a job over does first.</summary>
internal enum TakeOverAction
{
    /// <summary>Nothing: the job has ended, or the activation is stale.</summary>
    None,

    /// <summary>The job waits for a redeploy off a leaving silo: wait for the resume call, or redeploy after the grace period.</summary>
    AwaitRedeploy,

    /// <summary>The previous activation's attempt is lost: handle it as a failure (restart after the policy's delay).</summary>
    HandleLostAttempt,
}
