using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Placement;
using Orleans.Runtime;
using Orleans.Storage;
using OrleansFlow.Artifacts;
using OrleansFlow.Checkpointing;
using OrleansFlow.Checkpoints;
using OrleansFlow.Configuration;
using OrleansFlow.Diagnostics;
using OrleansFlow.Graph;
using OrleansFlow.Metrics;
using OrleansFlow.Operators;

namespace OrleansFlow.Jobs;

/// <summary>
/// Deploys a job's tasks, tracks its status, restarts it after failures and cancels it. Its state goes through grain
/// persistence, so after its silo dies it comes back elsewhere (woken by the checkpoint coordinator's reminder, a
/// task or a client) and restarts the job. A failure (a task reports one, or a silo of the cluster dies) is handed to
/// the restart strategy: either the job is Failed with the reason, or, after the strategy's delay, every task of the
/// attempt is cancelled and a new attempt starts from the latest completed checkpoint with fresh task grains.
/// Kept active so job status stays readable after the job ends.
/// </summary>
[GrainType("flow.jobmanager")]
[CollectionAgeLimit(AlwaysActive = true)]
[Immovable]
internal sealed partial class JobManagerGrain(
    [PersistentState("job", FlowNames.CheckpointStorage)] IPersistentState<JobManagerState> state,
    IClusterMembershipService membership,
    TimeProvider time,
    IOptions<SubmissionOptions> submissionOptions,
    ILogger<JobManagerGrain> logger) : Grain, IJobManagerGrain
{
    /// <summary>How long cancelling the tasks of an attempt may hold up a restart or a cancellation.</summary>
    private static readonly TimeSpan CancelWait = TimeSpan.FromSeconds(5);

    /// <summary>How long a metrics read waits for one task or the coordinator.</summary>
    private static readonly TimeSpan MetricsWait = TimeSpan.FromSeconds(1);

    private readonly HashSet<(int Vertex, int Subtask)> _finished = [];
    private readonly TaskCompletionSource _terminal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private RestartPolicy? _restarts;
    private IGrainTimer? _restartTimer;
    private bool _finishing;

    private JobManagerState Job => state.State;

    private string JobId => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (Job.Submission is not { } submission)
        {
            return Task.CompletedTask;
        }

        if (Job.Status.IsTerminal())
        {
            _terminal.TrySetResult();
            return Task.CompletedTask;
        }

        _restarts = new RestartPolicy(RestartPolicy.SettingsFor(submission), time);
        _ = WatchMembershipAsync();
        if (ResumeIfAwaitingRedeploy())
        {
            return Task.CompletedTask;
        }

        // The previous activation was lost with its silo while the job ran: its attempt's tasks are gone or orphaned.
        if (Job.Status == JobStatus.Restarting)
        {
            // It was lost during a restart, whose timer died with it: handle the failure again (HandleFailureAsync
            // ignores failures while Restarting), which cancels the attempt's tasks and restarts after the delay.
            Job.Status = JobStatus.Running;
        }

        this.RegisterGrainTimer(
            static (self, _) => self.HandleFailureAsync(self.Job.Attempt, new JobFailure("(job manager)", 0, "the job manager's silo failed while the job ran", "SiloFailure")),
            this,
            new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan));
        return Task.CompletedTask;
    }

    public async Task<JobStatusInfo> SubmitAsync(JobSubmission submission, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(submission);
        if (Job.Submission is not null)
        {
            throw new InvalidOperationException($"Job {submission.JobId} was already submitted.");
        }

        if (!TokenAccepted(submission.SubmissionToken))
        {
            throw new UnauthorizedAccessException(
                $"Job {submission.JobId} refused: this cluster requires a submission token and the submission carried {(string.IsNullOrEmpty(submission.SubmissionToken) ? "none" : "a wrong one")} (flow run --token, or StreamExecutionEnvironment.WithSubmissionToken).");
        }

        submission = submission with { SubmissionToken = null }; // never persisted
        if (submission.JobId != JobId)
        {
            throw new ArgumentException($"Submission for job {submission.JobId} sent to the manager of job {JobId}.", nameof(submission));
        }

        if (submission.Source.ArtifactId is { } artifactId && !await GrainFactory.GetGrain<IJobArtifactGrain>(artifactId).ExistsAsync(cancellationToken))
        {
            throw new InvalidOperationException($"Job {submission.JobId} refused: its job artifact {artifactId} was not uploaded to this cluster.");
        }

        if (submission.RestoreFrom is { } restoreFrom)
        {
            // Fails the submission with a message naming the savepoint or the operator whose state cannot be mapped.
            submission = await ResolveSavepointAsync(submission, restoreFrom, cancellationToken);
        }

        Job.Submission = submission;
        Job.SubmittedAt = time.GetUtcNow();
        // The first attempt starts from no checkpoint, or from the savepoint (this job's first completed checkpoint).
        Job.RestorePoints = [submission.Restore?.CheckpointId ?? CheckpointIds.None];
        _restarts = new RestartPolicy(RestartPolicy.SettingsFor(submission), time);
        Log.JobSubmitted(logger, submission.JobId, submission.JobName, submission.Plan.TaskCount);
        await PersistAsync();
        await RegisterAsync(cancellationToken);
        _ = WatchMembershipAsync();
        try
        {
            await DeployAttemptAsync(cancellationToken);
        }
        catch (Exception e)
        {
            Log.JobDeployFailed(logger, e, submission.JobId);
            Fail(new JobFailure("(deployment)", 0, e.Message, e.GetType().Name));
            await PersistAsync();
        }

        return Status();
    }

    public async Task<JobDetails> GetDetailsAsync(CancellationToken cancellationToken)
    {
        EnsureExists();
        var plan = Job.Submission!.Plan;
        var attempt = Job.Attempt;
        var running = Job.Status is JobStatus.Running or JobStatus.Restarting;
        var vertices = await Task.WhenAll(plan.Vertices.Select(async v =>
        {
            var subtasks = running
                ? await Task.WhenAll(Enumerable.Range(0, v.Parallelism).Select(s => MetricsOfAsync(v.Id, s, attempt, cancellationToken)))
                : [];
            return new VertexDetails(v.Id, v.Name, v.Parallelism, [.. subtasks.OfType<TaskMetrics>()]);
        }));
        CheckpointOverview? checkpoints = null;
        if (Job.Submission.Checkpointing is { IsEnabled: true })
        {
            checkpoints = await WithinAsync<CheckpointOverview>(GrainFactory.GetGrain<ICheckpointCoordinatorGrain>(JobId).GetOverviewAsync(cancellationToken)!);
        }

        return new JobDetails(Status(), Job.SubmittedAt, time.GetUtcNow(), vertices, checkpoints);
    }

    /// <summary>
    /// Reads the savepoint, maps its state onto this job's operators and makes it the coordinator's first completed
    /// checkpoint (so this job's checkpoint ids continue above it and a restart before its own first checkpoint
    /// restores the savepoint again).
    /// </summary>
    private async Task<JobSubmission> ResolveSavepointAsync(JobSubmission submission, string restoreFrom, CancellationToken cancellationToken)
    {
        var savepointId = SavepointIds.Find(restoreFrom) ?? restoreFrom.Trim();
        var savepoint = await GrainFactory.GetGrain<ISavepointGrain>(savepointId).GetAsync(cancellationToken)
            ?? throw new KeyNotFoundException(
                $"Cannot start job {submission.JobId} from '{restoreFrom}': there is no such savepoint in this cluster's checkpoint storage " +
                $"(ids look like {SavepointIds.Prefix}<job id>-<checkpoint id>, as 'flow savepoint' prints them).");
        var (tasks, restore) = SavepointMapper.Map(savepoint, submission.Plan, submission.AllowNonRestoredState);
        await Coordinator.SeedFromSavepointAsync(savepoint.CheckpointId, tasks, cancellationToken);
        Log.JobRestoredFromSavepoint(logger, submission.JobId, savepoint.SavepointId, savepoint.CheckpointId, restore.RestoredOperatorIds.Count);
        return submission with { Restore = restore };
    }

    public async Task<long> TriggerSavepointAsync(bool stop, CancellationToken cancellationToken)
    {
        EnsureExists();
        if (Job.Status != JobStatus.Running || _finishing)
        {
            throw new InvalidOperationException($"Job {JobId} is {(Job.Status == JobStatus.Running ? "finishing" : Job.Status)}: only a running job can take a savepoint.");
        }

        if (Job.Submission!.Checkpointing?.IsEnabled != true)
        {
            throw new InvalidOperationException(
                $"Job {JobId} cannot take a savepoint: its checkpointing is off. Savepoints travel as checkpoint barriers; enable checkpointing " +
                "(EnableCheckpointing, or flow run --checkpoint-interval; a long interval such as 1h gives savepoints without frequent checkpoints).");
        }

        return await Coordinator.TriggerSavepointAsync(stop, cancellationToken);
    }

    /// <summary>
    /// Stop-with-savepoint, once the savepoint completed: no checkpoint follows it (the coordinator stopped triggering
    /// when it started), every task commits it (sinks make its output visible; a task that cannot be told commits it
    /// when a job restores the savepoint), then the tasks are cancelled and the job is Finished. Records the sources
    /// read after the savepoint's barrier are never committed; a job restored from the savepoint reads them again.
    /// </summary>
    public async Task StopAfterSavepointAsync(long checkpointId, long[] pinnedCheckpoints, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pinnedCheckpoints);
        if (Job.Status != JobStatus.Running || _finishing)
        {
            return;
        }

        _finishing = true;
        var attempt = Job.Attempt;
        await StopCoordinatorAsync(jobEnded: true, discardCheckpoints: false);
        try
        {
            await Task.WhenAll(AllTasks(attempt).Select(t => t.Grain.NotifyCheckpointCompleteAsync(checkpointId, pinnedCheckpoints, CancellationToken.None)));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.JobOperationFailed(logger, e, JobId, $"commit savepoint {checkpointId} everywhere (a job restored from it commits the rest)");
        }

        await CancelTasksAsync(attempt, CancellationToken.None);
        SetStatus(JobStatus.Finished);
        await PersistAsync();
        Log.JobStoppedWithSavepoint(logger, JobId, SavepointIds.Of(JobId, checkpointId));
    }

    public Task<JobSubmission> GetSubmissionAsync(CancellationToken cancellationToken) =>
        Task.FromResult(Job.Submission ?? throw new InvalidOperationException($"Job {JobId} does not exist."));

    public Task<JobStatusInfo> GetStatusAsync(CancellationToken cancellationToken)
    {
        EnsureExists();
        return Task.FromResult(Status());
    }

    public async Task<JobStatusInfo> WaitForTerminalAsync(TimeSpan maxWait, CancellationToken cancellationToken)
    {
        EnsureExists();
        if (!Job.Status.IsTerminal())
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(maxWait);
            try
            {
                await _terminal.Task.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }
        }

        return Status();
    }

    public async Task<JobStatusInfo> CancelAsync(CancellationToken cancellationToken)
    {
        EnsureExists();
        if (Job.Status.IsTerminal())
        {
            return Status();
        }

        _restartTimer?.Dispose();
        SetStatus(JobStatus.Canceling);
        var retain = Job.Submission!.Checkpointing?.RetainOnCancel == true;
        await StopCoordinatorAsync(jobEnded: true, discardCheckpoints: !retain);
        await CancelTasksAsync(Job.Attempt, cancellationToken);
        SetStatus(JobStatus.Canceled);
        await PersistAsync();
        return Status();
    }

    public Task ReportFinishedAsync(int vertexId, int subtask, int attempt, CancellationToken cancellationToken)
    {
        if (attempt == Job.Attempt && Job.Status == JobStatus.Running && !_finishing && _finished.Add((vertexId, subtask))
            && _finished.Count == Job.Submission!.Plan.TaskCount)
        {
            // The last task reports from inside its own turn: finish in a turn of our own, or telling it to commit would wait for it.
            _finishing = true;
            this.RegisterGrainTimer(static (self, _) => self.FinishAsync(), this, new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan));
        }

        return Task.CompletedTask;
    }

    /// <summary>Every task finished: sinks commit what they sealed at end of input, then the job is Finished.</summary>
    private async Task FinishAsync()
    {
        var attempt = Job.Attempt;
        await StopCoordinatorAsync(jobEnded: true, discardCheckpoints: false);
        var tasks = AllTasks(attempt).ToList();
        try
        {
            await Task.WhenAll(tasks.Select(t => t.Grain.NotifyCheckpointCompleteAsync(CheckpointIds.EndOfInput, [], CancellationToken.None)));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _finishing = false;
            await HandleFailureAsync(attempt, new JobFailure("(final commit)", 0, $"sinks could not commit their final output: {e.Message}", e.GetType().Name));
            return;
        }

        SetStatus(JobStatus.Finished);
        await PersistAsync();
        await Task.WhenAll(tasks.Select(t => t.Grain.ReleaseAsync(CancellationToken.None)));
    }

    public Task ReportFailureAsync(int attempt, JobFailure failure, CancellationToken cancellationToken) => HandleFailureAsync(attempt, failure);

    /// <summary>Hands a failure of the current attempt to the restart strategy.</summary>
    private async Task HandleFailureAsync(int attempt, JobFailure failure)
    {
        if (attempt != Job.Attempt || Job.Status.IsTerminal() || Job.Status == JobStatus.Restarting || _finishing)
        {
            return;
        }

        if (await AbsorbedByJoinRedeployAsync(attempt, failure))
        {
            return;
        }

        var decision = (_restarts ??= new RestartPolicy(RestartPolicy.SettingsFor(Job.Submission!), time)).OnFailure();
        if (!decision.ShouldRestart)
        {
            var final = _restarts.Settings.Kind == RestartStrategyKind.None
                ? failure
                : failure with { Message = $"{failure.Message} (not restarted: {decision.Reason})" };
            Fail(final);
            await PersistAsync();
            await StopCoordinatorAsync(jobEnded: true, discardCheckpoints: false);
            await CancelTasksAsync(attempt, CancellationToken.None);
            return;
        }

        Job.LastFailure = failure;
        Log.JobRestarting(logger, JobId, attempt, failure.OperatorName, failure.Subtask, failure.Message, (long)decision.Delay.TotalMilliseconds);
        SetStatus(JobStatus.Restarting);
        await StopCoordinatorAsync(jobEnded: false, discardCheckpoints: false); // first: no checkpoint of the failed attempt may complete now
        await PersistAsync();
        await CancelTasksAsync(attempt, CancellationToken.None);
        _restartTimer?.Dispose();
        _restartTimer = this.RegisterGrainTimer(static (self, _) => self.RestartAsync(), this, new GrainTimerCreationOptions(decision.Delay, Timeout.InfiniteTimeSpan) { KeepAlive = true });
    }

    /// <summary>A new attempt from the latest completed checkpoint, with fresh task grains.</summary>
    private async Task RestartAsync()
    {
        if (Job.Status != JobStatus.Restarting)
        {
            return;
        }

        long restoreId;
        try
        {
            restoreId = await Coordinator.GetLatestCompletedAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Storage or the coordinator is unavailable: try again after the strategy's delay.
            SetStatus(JobStatus.Running);
            await HandleFailureAsync(Job.Attempt, new JobFailure("(checkpoint coordinator)", 0, $"the latest checkpoint could not be read: {e.Message}", e.GetType().Name));
            return;
        }

        Job.Attempt++;
        Job.RestorePoints.Add(restoreId);
        _finished.Clear();
        Log.JobRestarted(logger, JobId, Job.Attempt, restoreId);
        try
        {
            // The new attempt number is durable before any of its tasks exists: a manager that fails over during the
            // deployment must never hand the same attempt number (and so the same task grains) out again.
            await state.WriteStateAsync();
        }
        catch (InconsistentStateException)
        {
            // Another activation of this job manager has written since we read: we are a stale copy (our silo is
            // going away). Step aside without touching the job.
            Log.JobManagerSuperseded(logger, JobId, Job.Attempt);
            DeactivateOnIdle();
            return;
        }

        try
        {
            await DeployAttemptAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.JobDeployFailed(logger, e, JobId);
            SetStatus(JobStatus.Running);
            await HandleFailureAsync(Job.Attempt, new JobFailure("(deployment)", 0, e.Message, e.GetType().Name));
        }
    }

    /// <summary>Deploys every task of the current attempt, starts checkpointing, then starts the sources.</summary>
    private async Task DeployAttemptAsync(CancellationToken cancellationToken)
    {
        var attempt = Job.Attempt;
        var restorePoints = Job.RestorePoints.ToArray();
        var tasks = AllTasks(attempt).ToList();
        // Savepoints exist only after a first attempt ran: later attempts' keys must keep their versions too.
        var pinned = attempt == 0 ? [] : await Coordinator.GetSavepointIdsAsync(cancellationToken);
        await DeploySpreadAsync(tasks, restorePoints, pinned, cancellationToken);
        SetStatus(JobStatus.Running);
        await PersistAsync();
        await Coordinator.StartAsync(attempt, restorePoints, cancellationToken);
        await Task.WhenAll(tasks.Where(t => t.Vertex.IsSource).Select(t => t.Grain.StartAsync(cancellationToken)));
    }

    /// <summary>
    /// A silo that leaves the cluster dead takes tasks and per-key state with it: the attempt has failed. The watch
    /// ends with the job (at the next membership change after it).
    /// </summary>
    private async Task WatchMembershipAsync()
    {
        var dead = new HashSet<SiloAddress>();
        var first = true;
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates)
            {
                // Only a silo declared dead: calls to one still stopping would wait for it, and the restart with them.
                foreach (var member in snapshot.Members.Values.Where(m => m.Status == SiloStatus.Dead))
                {
                    if (dead.Add(member.SiloAddress) && !first && Job.Status == JobStatus.Running && !_drained.Contains(member.SiloAddress))
                    {
                        // Handled in a turn of its own, so this watch keeps reading while the restart waits for calls.
                        var failure = new JobFailure("(cluster)", 0, $"silo {member.SiloAddress} died", "SiloFailure");
                        var attempt = Job.Attempt;
                        this.RegisterGrainTimer(
                            static (state, _) => state.Self.HandleFailureAsync(state.Attempt, state.Failure),
                            (Self: this, Attempt: attempt, Failure: failure),
                            new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan));
                    }
                }

                OnMembershipSnapshot(snapshot, first);
                first = false;
                if (Job.Status.IsTerminal())
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
            // The silo is shutting down.
        }
    }

    private ICheckpointCoordinatorGrain Coordinator => GrainFactory.GetGrain<ICheckpointCoordinatorGrain>(JobId);

    private async Task StopCoordinatorAsync(bool jobEnded, bool discardCheckpoints)
    {
        try
        {
            await Coordinator.StopAsync(jobEnded, discardCheckpoints, CancellationToken.None);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.JobOperationFailed(logger, e, JobId, "stop the checkpoint coordinator");
        }
    }

    private void Fail(JobFailure failure)
    {
        if (Job.Status.IsTerminal())
        {
            return;
        }

        Job.Failure = failure;
        Log.JobFailed(logger, JobId, failure.OperatorName, failure.Subtask, failure.Message);
        SetStatus(JobStatus.Failed);
    }

    /// <summary>
    /// Tells every task of an attempt to stop, waiting at most <see cref="CancelWait"/>: tasks on dead silos cannot
    /// answer, and a call to a task whose directory entry died with a silo can wait for Orleans' 30 s response timeout.
    /// Not waiting longer is safe: only the job manager and the coordinator tell sinks to commit, never for an attempt
    /// that was replaced, and per-key grains ignore calls of an older attempt. The calls go on; failures are logged.
    /// </summary>
    private async Task CancelTasksAsync(int attempt, CancellationToken cancellationToken)
    {
        var cancelling = CancelAllTasksAsync(attempt, cancellationToken);
        if (await Task.WhenAny(cancelling, Task.Delay(CancelWait, time, cancellationToken)) != cancelling)
        {
            Log.TaskCancellationSlow(logger, JobId, attempt, (long)CancelWait.TotalMilliseconds);
        }
    }

    private async Task CancelAllTasksAsync(int attempt, CancellationToken cancellationToken)
    {
        foreach (var chunk in AllTasks(attempt).Chunk(64))
        {
            try
            {
                await Task.WhenAll(chunk.Select(t => t.Grain.CancelAsync(cancellationToken)));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Log.JobOperationFailed(logger, e, JobId, "cancel tasks");
            }
        }
    }

    private bool TokenAccepted(string? offered) => SubmissionTokens.Accepted(submissionOptions.Value, offered);

    /// <summary>Adds the job to the cluster's registry; a job that is not listed still runs, so a failure is only logged.</summary>
    private async Task RegisterAsync(CancellationToken cancellationToken)
    {
        try
        {
            await GrainFactory.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.Key)
                .AddAsync(new JobEntry(JobId, Job.Submission!.JobName, Job.SubmittedAt), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.JobOperationFailed(logger, e, JobId, "add the job to the registry");
        }
    }

    private async Task<TaskMetrics?> MetricsOfAsync(int vertexId, int subtask, int attempt, CancellationToken cancellationToken) =>
        await WithinAsync(GrainFactory.GetGrain<IOperatorGrain>(GrainKeys.Task(JobId, vertexId, subtask, attempt)).GetMetricsAsync(cancellationToken));

    /// <summary>The call's result, or null when it fails or takes longer than <see cref="MetricsWait"/> (a task on a dying silo).</summary>
    private async Task<T?> WithinAsync<T>(Task<T?> call)
        where T : class
    {
        try
        {
            return await call.WaitAsync(MetricsWait, time);
        }
        catch (Exception e) when (e is TimeoutException or OrleansException)
        {
            return null;
        }
    }

    private IEnumerable<(VertexPlan Vertex, IOperatorGrain Grain)> AllTasks(int attempt) =>
        Job.Submission!.Plan.Vertices.SelectMany(v => Enumerable.Range(0, v.Parallelism)
            .Select(s => (v, GrainFactory.GetGrain<IOperatorGrain>(GrainKeys.Task(JobId, v.Id, s, attempt)))));

    private void SetStatus(JobStatus status)
    {
        Job.Status = status;
        Log.JobStatusChanged(logger, JobId, status);
        if (status.IsTerminal())
        {
            Job.EndedAt ??= time.GetUtcNow();
            if (Job.Submission!.Source.LocalGraphId is { } local)
            {
                LocalGraphRegistry.Remove(local);
            }

            _terminal.TrySetResult();
        }
    }

    /// <summary>
    /// Writes the job's state; a failed write is logged and the job goes on (the next transition writes again, taking
    /// over the stored ETag should the failed write have reached storage after all).
    /// </summary>
    private async Task PersistAsync()
    {
        try
        {
            await state.WriteOwnedStateAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.JobOperationFailed(logger, e, JobId, "persist the job state");
        }
    }

    private JobStatusInfo Status() =>
        new(JobId, Job.Submission!.JobName, Job.Status, Job.Failure, _finished.Count, Job.Submission.Plan.TaskCount, Job.Attempt, Job.LastFailure,
            Job.EndedAt - Job.SubmittedAt);

    private void EnsureExists()
    {
        if (Job.Submission is null)
        {
            throw new KeyNotFoundException($"There is no job {JobId}.");
        }
    }
}
