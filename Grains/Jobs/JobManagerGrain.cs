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

namespace OrleansFlow.Jobs;

/// <summary>
/// Deploys a job's tasks, tracks its status, restarts it after failures and cancels it. Its state goes through grain
/// persistence, so after its silo dies it comes back elsewhere (woken by the checkpoint coordinator's reminder, a
/// task or a client) and restarts the job. A failure (a task reports one, or a silo of the cluster dies) is handed to
/// the restart strategy: either the job is Failed with the reason, or, after the strategy's delay, every task of the
/// attempt is cancelled and a new attempt starts from the latest completed checkpoint with fresh task grains.
/// Kept active so job status stays readable after the job ends.
/// <para>
/// Fencing and liveness: after a silo's death Orleans' in-cluster grain directory can briefly hold two activations of
/// this grain. An activation that takes the job over raises the job's epoch with a version-checked write before it
/// acts, and every later write is version-checked and stamped with the writing activation
/// (<see cref="FencedStateWrites"/>): an activation whose write finds another one's steps aside (no deployment, no
/// command, deactivation), and the coordinator refuses commands of an older epoch. Tasks get the submission with their
/// deployment (no call back here while we wait for them), a deployment that does not finish within
/// <see cref="JobManagerOptions.DeployTimeout"/> fails the attempt, and a watchdog timer restarts a job left Restarting with no restart
/// under way.
/// </para>
/// </summary>
[GrainType("flow.jobmanager")]
[CollectionAgeLimit(AlwaysActive = true)]
[Immovable]
internal sealed partial class JobManagerGrain(
    [PersistentState("job", FlowNames.CheckpointStorage)] IPersistentState<JobManagerState> state,
    IClusterMembershipService membership,
    TimeProvider time,
    IOptions<SubmissionOptions> submissionOptions,
    IOptions<JobManagerOptions> jobManagerOptions,
    ILogger<JobManagerGrain> logger) : Grain, IJobManagerGrain
{
    private readonly TaskCompletionSource _terminal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private FencedActivation<JobManagerState>? _fenced;
    private JobLifecycle? _lifecycle;
    private JobRestarter? _restarter;

    private JobManagerState Job => state.State;

    /// <summary>The job manager's timings.</summary>
    private JobManagerOptions Options => jobManagerOptions.Value;

    /// <summary>This activation's fenced writes of the job's state.</summary>
    private FencedActivation<JobManagerState> Fenced => _fenced ??= new(state);

    /// <summary>The job's status and its transitions; the grain carries out what they call for.</summary>
    private JobLifecycle Lifecycle => _lifecycle ??= new(() => state.State, time, OnStatusChanged, Options.StalledRestartAfter);

    /// <summary>The failover path: failures to the restart strategy, restarts, deployments.</summary>
    private JobRestarter Restarter => _restarter ??= new(JobId, () => state.State, Lifecycle, this, time, Options, logger);

    private string JobId => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (Job.Submission is null)
        {
            return;
        }

        if (Job.Status.IsTerminal())
        {
            _terminal.TrySetResult();
            return;
        }

        // Take the job over before acting: a newer epoch, written over the version we read (re-read on a conflict), so
        // that any other activation still driving the job is fenced out at its next write and by the coordinator.
        await Fenced.TakeOverAsync(s => s.Epoch++, cancellationToken);
        if (Job.Status.IsTerminal())
        {
            _terminal.TrySetResult();
            return;
        }

        Log.JobManagerTookOver(logger, JobId, Job.Epoch, Job.Status, Job.Attempt);
        _ = WatchMembershipAsync();
        StartWatchdog();
        var action = Lifecycle.TakeOver();
        if (action == TakeOverAction.AwaitRedeploy)
        {
            ArmRedeployFallback();
            return;
        }

        if (action == TakeOverAction.None)
        {
            return;
        }

        // The previous activation was lost with its silo while the job ran or restarted: its attempt's tasks are gone
        // or orphaned, and a restart timer died with it. Handled as a failure in a turn of its own.
        this.RegisterGrainTimer(
            static (self, _) => self.GuardedAsync(() => self.HandleFailureAsync(self.Job.Attempt, new JobFailure("(job manager)", 0, "the job manager's silo failed while the job ran", PoisonousJobGuard.SiloFailureType))),
            this,
            new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan));
    }

    public async Task<JobStatusInfo> SubmitAsync(JobSubmission submission, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(submission);
        if (Job.Submission is not null)
        {
            throw new InvalidSubmissionException($"Job {submission.JobId} was already submitted.");
        }

        if (!TokenAccepted(submission.SubmissionToken))
        {
            throw new SubmissionRefusedException(submission.JobId,
                $"Job {submission.JobId} refused: this cluster requires a submission token and the submission carried {SubmissionTokens.Carried(submission.SubmissionToken)} (flow run --token, or StreamExecutionEnvironment.WithSubmissionToken).");
        }

        submission = submission with { SubmissionToken = null }; // never persisted
        if (submission.JobId != JobId)
        {
            throw new ArgumentException($"Submission for job {submission.JobId} sent to the manager of job {JobId}.", nameof(submission));
        }

        if (submission.Source.ArtifactId is { } artifactId && !await GrainFactory.GetGrain<IJobArtifactGrain>(artifactId).ExistsAsync(cancellationToken))
        {
            throw new InvalidSubmissionException($"Job {submission.JobId} refused: its job artifact {artifactId} was not uploaded to this cluster.");
        }

        if (submission.RestoreFrom is { } restoreFrom)
        {
            // Fails the submission with a message naming the savepoint or the operator whose state cannot be mapped.
            submission = await ResolveSavepointAsync(submission, restoreFrom, cancellationToken);
        }

        // The first attempt starts from no checkpoint, or from the savepoint (this job's first completed checkpoint).
        Lifecycle.Submit(submission, submission.Restore?.CheckpointId ?? CheckpointIds.None);
        Log.JobSubmitted(logger, submission.JobId, submission.JobName, submission.Plan.TaskCount);
        await PersistAsync();
        await RegisterAsync(cancellationToken);
        _ = WatchMembershipAsync();
        StartWatchdog();
        try
        {
            await Restarter.DeployAttemptAsync(cancellationToken);
        }
        catch (Exception e) when (e is not StaleActivationException)
        {
            Log.JobDeployFailed(logger, e, submission.JobId);
            Lifecycle.DeployFailed(new JobFailure("(deployment)", 0, e.Message, e.GetType().Name));
            Log.JobFailed(logger, JobId, Job.Failure!.OperatorName, Job.Failure.Subtask, Job.Failure.Message);
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
            // An ended job's tasks are gone: it shows the metrics they had when it ended, as Flink's web UI does.
            var subtasks = running
                ? await ReadMetricsAsync(AttemptTasks.Of(GrainFactory, JobId, [v], attempt), cancellationToken)
                : [.. Job.FinalMetrics.Where(m => m.VertexId == v.Id)];
            return new VertexDetails(v.Id, v.Name, v.Parallelism, subtasks);
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
            ?? throw new SavepointNotFoundException(restoreFrom,
                $"Cannot start job {submission.JobId} from '{restoreFrom}': there is no such savepoint in this cluster's checkpoint storage " +
                $"(ids look like {SavepointIds.Prefix}<job id>-<checkpoint id>, as 'flow savepoint' prints them).", null);
        var (tasks, restore) = SavepointMapper.Map(savepoint, submission.Plan, submission.AllowNonRestoredState);
        await Coordinator.SeedFromSavepointAsync(savepoint.CheckpointId, tasks, cancellationToken);
        Log.JobRestoredFromSavepoint(logger, submission.JobId, savepoint.SavepointId, savepoint.CheckpointId, restore.RestoredOperatorIds.Count);
        return submission with { Restore = restore };
    }

    public async Task<long> TriggerSavepointAsync(bool stop, string? submissionToken, CancellationToken cancellationToken)
    {
        EnsureExists();
        SubmissionTokens.DemandForCommand(submissionOptions.Value, submissionToken, JobId, stop ? "stop" : "savepoint");
        ThrowIfStale();
        if (!Lifecycle.CanTakeSavepoint)
        {
            throw new JobNotRunningException(JobId, Job.Status, $"Job {JobId} is {(Job.Status == JobStatus.Running ? "finishing" : Job.Status)}: only a running job can take a savepoint.");
        }

        if (Job.Submission!.Checkpointing?.IsEnabled != true)
        {
            throw new SavepointRefusedException(
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
    public async Task StopAfterSavepointAsync(long checkpointId, CancellationToken cancellationToken)
    {
        if (!Lifecycle.StopWithSavepoint())
        {
            return;
        }

        var attempt = Job.Attempt;
        await StopCoordinatorAsync(jobEnded: true, discardCheckpoints: false);
        try
        {
            await Task.WhenAll(TasksOf(attempt).Select(t => t.Grain.NotifyCheckpointCompleteAsync(checkpointId, null, CancellationToken.None)));
        }
        catch (Exception e)
        {
            Log.JobOperationFailed(logger, e, JobId, $"commit savepoint {checkpointId} everywhere (a job restored from it commits the rest)");
        }

        await KeepFinalMetricsAsync(attempt);
        await CancelTasksAsync(attempt, CancellationToken.None);
        Lifecycle.Finished();
        await PersistAsync();
        Log.JobStoppedWithSavepoint(logger, JobId, SavepointIds.Of(JobId, checkpointId));
    }

    public Task<JobSubmission> GetSubmissionAsync(CancellationToken cancellationToken) =>
        Task.FromResult(Job.Submission ?? throw new JobNotFoundException(JobId, $"Job {JobId} does not exist.", null));

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

    public async Task<JobStatusInfo> CancelAsync(string? submissionToken, CancellationToken cancellationToken)
    {
        EnsureExists();
        SubmissionTokens.DemandForCommand(submissionOptions.Value, submissionToken, JobId, "cancel");
        ThrowIfStale();
        if (!Lifecycle.BeginCancel())
        {
            return Status();
        }

        _restartTimer?.Dispose();
        var retain = Job.Submission!.Checkpointing?.RetainOnCancel == true;
        await StopCoordinatorAsync(jobEnded: true, discardCheckpoints: !retain);
        await KeepFinalMetricsAsync(Job.Attempt);
        await CancelTasksAsync(Job.Attempt, cancellationToken);
        Lifecycle.Canceled();
        await PersistAsync();
        return Status();
    }

    public Task ReportFinishedAsync(int vertexId, int subtask, int attempt, CancellationToken cancellationToken)
    {
        ThrowIfStale(); // the task retries and reaches the activation that drives the job now
        if (Lifecycle.TaskFinished(vertexId, subtask, attempt))
        {
            // The last task reports from inside its own turn: finish in a turn of our own, or telling it to commit would wait for it.
            this.RegisterGrainTimer(static (self, _) => self.GuardedAsync(self.FinishAsync), this, new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan));
        }

        return Task.CompletedTask;
    }

    /// <summary>Every task finished: sinks commit what they sealed at end of input, then the job is Finished.</summary>
    private async Task FinishAsync()
    {
        var attempt = Job.Attempt;
        await StopCoordinatorAsync(jobEnded: true, discardCheckpoints: false);
        var tasks = TasksOf(attempt).ToList();
        try
        {
            await Task.WhenAll(tasks.Select(t => t.Grain.NotifyCheckpointCompleteAsync(CheckpointIds.EndOfInput, null, CancellationToken.None)));
        }
        catch (Exception e)
        {
            // Any failure, Orleans' own OperationCanceledException ("Message expired ...") included: never stay finishing.
            Lifecycle.FinishFailed();
            await HandleFailureAsync(attempt, new JobFailure("(final commit)", 0, $"sinks could not commit their final output: {e.Message}", e.GetType().Name));
            return;
        }

        await KeepFinalMetricsAsync(attempt);
        Lifecycle.Finished();
        await PersistAsync();
        await Task.WhenAll(tasks.Select(t => t.Grain.ReleaseAsync(CancellationToken.None)));
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

    /// <summary>Reads the metrics of <paramref name="attempt"/>'s tasks into <see cref="JobManagerState.FinalMetrics"/> (the job is ending).</summary>
    private async Task KeepFinalMetricsAsync(int attempt) =>
        Job.FinalMetrics = [.. await ReadMetricsAsync(TasksOf(attempt), CancellationToken.None)];

    /// <summary>The metrics of the <paramref name="tasks"/> that answer within <see cref="JobManagerOptions.MetricsWait"/>.</summary>
    private async Task<TaskMetrics[]> ReadMetricsAsync(IEnumerable<AttemptTask> tasks, CancellationToken cancellationToken) =>
        [.. (await Task.WhenAll(tasks.Select(t => WithinAsync(t.Grain.GetMetricsAsync(cancellationToken))))).OfType<TaskMetrics>()];

    /// <summary>The call's result, or null when it fails or takes longer than <see cref="JobManagerOptions.MetricsWait"/> (a task on a dying silo).</summary>
    private async Task<T?> WithinAsync<T>(Task<T?> call)
        where T : class
    {
        try
        {
            return await call.WaitAsync(Options.MetricsWait, time);
        }
        catch (Exception e) when (e is TimeoutException or OrleansException)
        {
            return null;
        }
    }

    private JobStatusInfo Status() =>
        new(JobId, Job.Submission!.JobName, Job.Status, Job.Failure, Lifecycle.FinishedTasks, Job.Submission.Plan.TaskCount, Job.Attempt, Job.LastFailure,
            Job.EndedAt - Job.SubmittedAt);

    private void EnsureExists()
    {
        if (Job.Submission is null)
        {
            throw new JobNotFoundException(JobId, $"There is no job {JobId}.", null);
        }
    }
}
