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
/// <para>
/// Fencing and liveness: after a silo's death Orleans' in-cluster grain directory can briefly hold two activations of
/// this grain. An activation that takes the job over raises the job's epoch with a version-checked write before it
/// acts, and every later write is version-checked and stamped with the writing activation
/// (<see cref="FencedStateWrites"/>): an activation whose write finds another one's steps aside (no deployment, no
/// command, deactivation), and the coordinator refuses commands of an older epoch. Tasks get the submission with their
/// deployment (no call back here while we wait for them), a deployment that does not finish within
/// <see cref="DeployTimeout"/> fails the attempt, and a watchdog timer restarts a job left Restarting with no restart
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
    ILogger<JobManagerGrain> logger) : Grain, IJobManagerGrain
{
    /// <summary>How long cancelling the tasks of an attempt may hold up a restart or a cancellation.</summary>
    private static readonly TimeSpan CancelWait = TimeSpan.FromSeconds(5);

    /// <summary>How long a metrics read waits for one task or the coordinator.</summary>
    private static readonly TimeSpan MetricsWait = TimeSpan.FromSeconds(1);

    /// <summary>How long deploying an attempt's tasks may take before the attempt counts as failed (and is restarted).</summary>
    private static readonly TimeSpan DeployTimeout = TimeSpan.FromSeconds(15);

    /// <summary>How often the watchdog looks for a restart that is not under way.</summary>
    private static readonly TimeSpan WatchdogPeriod = TimeSpan.FromSeconds(1);

    /// <summary>How long a job may stay Restarting with no restart scheduled or running before the watchdog restarts it.</summary>
    private static readonly TimeSpan StalledRestartAfter = TimeSpan.FromSeconds(5);

    /// <summary>This activation's token in the state it writes (see <see cref="IFencedState"/>).</summary>
    private readonly string _token = Guid.NewGuid().ToString("N");

    private readonly HashSet<(int Vertex, int Subtask)> _finished = [];
    private readonly TaskCompletionSource _terminal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private RestartPolicy? _restarts;
    private IGrainTimer? _restartTimer;
    private IGrainTimer? _watchdog;
    private bool _finishing;
    private bool _stale;
    private bool _restartScheduled;
    private bool _restartRunning;
    private long _restartingSince;

    private JobManagerState Job => state.State;

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
        await state.TakeOverAsync(_token, s => s.Epoch++, cancellationToken);
        if (Job.Status.IsTerminal())
        {
            _terminal.TrySetResult();
            return;
        }

        Log.JobManagerTookOver(logger, JobId, Job.Epoch, Job.Status, Job.Attempt);
        _restarts = new RestartPolicy(RestartPolicy.SettingsFor(Job.Submission), time);
        _ = WatchMembershipAsync();
        StartWatchdog();
        if (ResumeIfAwaitingRedeploy())
        {
            return;
        }

        // The previous activation was lost with its silo while the job ran: its attempt's tasks are gone or orphaned.
        if (Job.Status == JobStatus.Restarting)
        {
            // It was lost during a restart, whose timer died with it: handle the failure again (HandleFailureAsync
            // ignores failures while Restarting), which cancels the attempt's tasks and restarts after the delay.
            Job.Status = JobStatus.Running;
        }

        this.RegisterGrainTimer(
            static (self, _) => self.GuardedAsync(() => self.HandleFailureAsync(self.Job.Attempt, new JobFailure("(job manager)", 0, "the job manager's silo failed while the job ran", "SiloFailure"))),
            this,
            new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan));
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
        Job.Epoch = 1;
        Job.SubmittedAt = time.GetUtcNow();
        // The first attempt starts from no checkpoint, or from the savepoint (this job's first completed checkpoint).
        Job.RestorePoints = [submission.Restore?.CheckpointId ?? CheckpointIds.None];
        _restarts = new RestartPolicy(RestartPolicy.SettingsFor(submission), time);
        Log.JobSubmitted(logger, submission.JobId, submission.JobName, submission.Plan.TaskCount);
        await PersistAsync();
        await RegisterAsync(cancellationToken);
        _ = WatchMembershipAsync();
        StartWatchdog();
        try
        {
            await DeployAttemptAsync(cancellationToken);
        }
        catch (Exception e) when (e is not StaleActivationException)
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
        ThrowIfStale();
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
    public async Task StopAfterSavepointAsync(long checkpointId, CancellationToken cancellationToken)
    {
        if (_stale || Job.Status != JobStatus.Running || _finishing)
        {
            return;
        }

        _finishing = true;
        var attempt = Job.Attempt;
        await StopCoordinatorAsync(jobEnded: true, discardCheckpoints: false);
        try
        {
            await Task.WhenAll(AllTasks(attempt).Select(t => t.Grain.NotifyCheckpointCompleteAsync(checkpointId, null, CancellationToken.None)));
        }
        catch (Exception e)
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
        ThrowIfStale();
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
        ThrowIfStale(); // the task retries and reaches the activation that drives the job now
        if (attempt == Job.Attempt && Job.Status == JobStatus.Running && !_finishing && _finished.Add((vertexId, subtask))
            && _finished.Count == Job.Submission!.Plan.TaskCount)
        {
            // The last task reports from inside its own turn: finish in a turn of our own, or telling it to commit would wait for it.
            _finishing = true;
            this.RegisterGrainTimer(static (self, _) => self.GuardedAsync(self.FinishAsync), this, new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan));
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
            await Task.WhenAll(tasks.Select(t => t.Grain.NotifyCheckpointCompleteAsync(CheckpointIds.EndOfInput, null, CancellationToken.None)));
        }
        catch (Exception e)
        {
            // Any failure, Orleans' own OperationCanceledException ("Message expired ...") included: never stay finishing.
            _finishing = false;
            await HandleFailureAsync(attempt, new JobFailure("(final commit)", 0, $"sinks could not commit their final output: {e.Message}", e.GetType().Name));
            return;
        }

        SetStatus(JobStatus.Finished);
        await PersistAsync();
        await Task.WhenAll(tasks.Select(t => t.Grain.ReleaseAsync(CancellationToken.None)));
    }

    public async Task ReportFailureAsync(int attempt, JobFailure failure, CancellationToken cancellationToken)
    {
        await GuardedAsync(() => HandleFailureAsync(attempt, failure));
        ThrowIfStale(); // not handled here: the task retries and reaches the activation that drives the job now
    }

    /// <summary>Hands a failure of the current attempt to the restart strategy.</summary>
    private async Task HandleFailureAsync(int attempt, JobFailure failure)
    {
        if (_stale || attempt != Job.Attempt || Job.Status.IsTerminal() || Job.Status == JobStatus.Restarting || _finishing)
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
        _restartScheduled = true;
        _restartTimer = this.RegisterGrainTimer(static (self, _) => self.GuardedAsync(self.RestartAsync), this, new GrainTimerCreationOptions(decision.Delay, Timeout.InfiniteTimeSpan) { KeepAlive = true });
    }

    /// <summary>A new attempt from the latest completed checkpoint, with fresh task grains.</summary>
    private async Task RestartAsync()
    {
        _restartScheduled = false;
        if (_stale || _restartRunning || Job.Status != JobStatus.Restarting)
        {
            return;
        }

        _restartRunning = true;
        try
        {
            await StartNewAttemptAsync();
        }
        finally
        {
            _restartRunning = false;
        }
    }

    /// <remarks>
    /// Every failure on the way is handed to the restart strategy, Orleans' own OperationCanceledException ("Message
    /// expired before placement could complete") included: none may leave the job Restarting with no restart ahead.
    /// </remarks>
    private async Task StartNewAttemptAsync()
    {
        long restoreId;
        try
        {
            restoreId = await Coordinator.GetLatestCompletedAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is not StaleActivationException)
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
            // deployment must never hand the same attempt number (and so the same task grains) out again. A stale copy
            // (another activation has written since) steps aside here without touching the job.
            await state.WriteFencedAsync(_token, CancellationToken.None);
        }
        catch (StaleActivationException e)
        {
            StepAside(e.Message);
            return;
        }
        catch (Exception e)
        {
            // Storage is unavailable: the number stays taken in memory (skipping one is harmless); try again later.
            SetStatus(JobStatus.Running);
            await HandleFailureAsync(Job.Attempt, new JobFailure("(job manager)", 0, $"attempt {Job.Attempt} could not be persisted: {e.Message}", e.GetType().Name));
            return;
        }

        try
        {
            await DeployAttemptAsync(CancellationToken.None);
        }
        catch (StaleActivationException e)
        {
            StepAside(e.Message);
        }
        catch (Exception e)
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
        var restoredCheckpointId = Job.RestorePoints[attempt];
        var tasks = AllTasks(attempt).ToList();
        var submission = Job.Submission!;
        try
        {
            await DeploySpreadAsync(submission, tasks, restoredCheckpointId, cancellationToken).WaitAsync(DeployTimeout, time, cancellationToken);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"the tasks of attempt {attempt} were not all deployed within {DeployTimeout.TotalSeconds:0} s", e);
        }

        SetStatus(JobStatus.Running);
        await PersistAsync();
        await Coordinator.StartAsync(submission, attempt, Job.Epoch, cancellationToken);
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
                    if (dead.Add(member.SiloAddress) && !first && !_stale && Job.Status == JobStatus.Running && !_drained.Contains(member.SiloAddress))
                    {
                        // Handled in a turn of its own, so this watch keeps reading while the restart waits for calls.
                        var failure = new JobFailure("(cluster)", 0, $"silo {member.SiloAddress} died", "SiloFailure");
                        var attempt = Job.Attempt;
                        this.RegisterGrainTimer(
                            static (state, _) => state.Self.GuardedAsync(() => state.Self.HandleFailureAsync(state.Attempt, state.Failure)),
                            (Self: this, Attempt: attempt, Failure: failure),
                            new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan));
                    }
                }

                OnMembershipSnapshot(snapshot, first);
                first = false;
                if (Job.Status.IsTerminal() || _stale)
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
            await Coordinator.StopAsync(jobEnded, discardCheckpoints, Job.Epoch, CancellationToken.None);
        }
        catch (Exception e)
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
        if (status == JobStatus.Restarting && Job.Status != JobStatus.Restarting)
        {
            _restartingSince = time.GetTimestamp();
        }

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
    /// over the stored ETag should the failed write have reached storage after all). When another activation has
    /// written since, this one is stale: it steps aside and <see cref="StaleActivationException"/> unwinds what it was doing.
    /// </summary>
    private async Task PersistAsync()
    {
        try
        {
            await state.WriteFencedAsync(_token, CancellationToken.None);
        }
        catch (StaleActivationException e)
        {
            StepAside(e.Message);
            throw;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.JobOperationFailed(logger, e, JobId, "persist the job state");
        }
    }

    /// <summary>Stops driving the job: timers end, nothing more is deployed or commanded, and the activation deactivates.</summary>
    private void StepAside(string reason)
    {
        if (_stale)
        {
            return;
        }

        _stale = true;
        Log.JobManagerSuperseded(logger, JobId, Job.Epoch, Job.Attempt, reason);
        _restartTimer?.Dispose();
        _watchdog?.Dispose();
        StopJoinWait();
        _redeployFallback?.Dispose();
        DeactivateOnIdle();
    }

    private void ThrowIfStale()
    {
        if (_stale)
        {
            throw new StaleActivationException($"Job {JobId}: this job manager activation was superseded and is deactivating; try again.");
        }
    }

    /// <summary>Runs a step of the job's life; a step cut short because this activation turned out stale ends quietly.</summary>
    private async Task GuardedAsync(Func<Task> step)
    {
        try
        {
            await step();
        }
        catch (StaleActivationException e)
        {
            StepAside(e.Message); // also when a coordinator refused our epoch: a newer job manager exists
        }
    }

    private void StartWatchdog() =>
        _watchdog ??= this.RegisterGrainTimer(static (self, _) => self.GuardedAsync(self.WatchdogTickAsync), this, new GrainTimerCreationOptions(WatchdogPeriod, WatchdogPeriod) { KeepAlive = true });

    /// <summary>
    /// Restarts a job left Restarting with no restart scheduled or running (a step that failed in a way nothing
    /// handled); ends with the job. Timer turns do not interleave with other turns, so it never sees a step midway.
    /// </summary>
    private Task WatchdogTickAsync()
    {
        if (_stale || Job.Submission is null || Job.Status.IsTerminal())
        {
            _watchdog?.Dispose();
            _watchdog = null;
            return Task.CompletedTask;
        }

        var stalledFor = time.GetElapsedTime(_restartingSince);
        if (Job.Status != JobStatus.Restarting || _restartScheduled || _restartRunning || Job.AwaitingRedeploy || stalledFor < StalledRestartAfter)
        {
            return Task.CompletedTask;
        }

        Log.JobRestartStalled(logger, JobId, (long)stalledFor.TotalMilliseconds, Job.Attempt);
        return RestartAsync();
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
