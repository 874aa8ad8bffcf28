using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Placement;
using Orleans.Serialization;
using Orleans.Storage;
using OrleansFlow.Checkpointing.Segments;
using OrleansFlow.Checkpoints;
using OrleansFlow.Diagnostics;
using OrleansFlow.Jobs;
using OrleansFlow.Operators;

namespace OrleansFlow.Checkpointing;

/// <summary>
/// Flink's CheckpointCoordinator for one job. A grain timer checks every few milliseconds whether a checkpoint is due
/// (<see cref="CheckpointScheduler"/>: interval, concurrency, minimum pause) and whether one in progress has passed its
/// deadline. A checkpoint gets the next id (persisted first, so ids never repeat across failovers), its barrier is
/// injected at every source subtask, and it completes when every subtask acknowledged: then it is persisted as the
/// latest completed checkpoint (a failed write fails the checkpoint and leaves the previous one intact), older
/// ones in progress are subsumed, and subtasks are told so that two-phase-commit sinks commit. A reminder, registered
/// while the job runs, brings the coordinator back on another silo after a crash and wakes the job manager.
/// Checkpoints are taken only while every subtask of the attempt is running (Flink before 1.14): once a source has
/// finished, its position can no longer be part of a consistent snapshot.
/// <para>
/// Savepoints are checkpoints triggered on request (not subject to the interval or concurrency limits) that are
/// also stored as <see cref="SavepointMetadata"/> in an <see cref="ISavepointGrain"/>; the snapshot segments they name
/// are pinned (never deleted by the job). A stop-with-savepoint
/// pauses periodic triggers and, once its savepoint completed, hands over to the job manager, which commits and stops.
/// </para>
/// <para>
/// Fencing: after a silo's death Orleans' in-cluster grain directory can briefly hold two activations of this grain.
/// Every write is version-checked and stamped with the writing activation (<see cref="FencedStateWrites"/>). The job
/// manager's commands (start, stop, seed) take the state over whichever activation receives them, and are refused when
/// they come from an older job manager generation than one already obeyed; an activation whose own write (a trigger,
/// a completion) finds another activation's write steps aside: it completes nothing, tells no task to commit, and
/// deactivates.
/// </para>
/// </summary>
[GrainType("flow.checkpoints")]
[Immovable] // pending checkpoints and its trigger timer live in the activation
internal sealed partial class CheckpointCoordinatorGrain(
    [PersistentState("coordinator", FlowNames.CheckpointStorage)] IPersistentState<CoordinatorState> state,
    [FromKeyedServices(FlowNames.CheckpointStorage)] IGrainStorage storage,
    Serializer serializer,
    TimeProvider time,
    ILogger<CheckpointCoordinatorGrain> logger) : Grain, ICheckpointCoordinatorGrain, IRemindable
{
    private const string WatchdogReminder = "flow-job-watchdog";
    private const int HistoryLength = 50;
    private readonly Dictionary<long, InFlight> _pending = [];
    private JobSubmission? _submission;
    private CheckpointSettings _settings = CheckpointSettings.Disabled;
    private CheckpointScheduler? _scheduler;
    private CheckpointFailureManager? _failures;
    private CheckpointIdCounter _ids = new();
    private IGrainTimer? _timer;
    private bool _triggering;
    private bool _terminating;
    private readonly string _token = Guid.NewGuid().ToString("N");
    private bool _stale;
    private SegmentStore? _segments;

    private SegmentStore Segments => _segments ??= new SegmentStore(storage, new SegmentCodec(serializer));

    private string JobId => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _ids = new CheckpointIdCounter(state.State.LastId);
        if (state.State.Retained.Count > 0)
        {
            _ids.Observe(state.State.Retained[^1].CheckpointId);
        }

        if (state.State.Attempt >= 0 && !state.State.JobEnded)
        {
            // Back after a failover: the job manager restarts the job, which starts us again. Make sure it knows.
            RegisterTimer(static (self, _) => self.WakeJobManagerAsync(), TimeSpan.Zero);
        }

        return Task.CompletedTask;
    }

    public async Task StartAsync(JobSubmission submission, int attempt, long jobManagerEpoch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(submission);
        ThrowIfStale();
        RefuseOlderJobManager(state.State, jobManagerEpoch);
        _terminating = false;
        _submission = submission;
        _settings = _submission.Checkpointing ?? CheckpointSettings.Disabled;
        if (!_settings.IsEnabled)
        {
            return;
        }

        AbortAll(CheckpointFailureReason.JobFailing, "a new attempt started");
        var previousAttempt = -1;
        await TakeOverAsync(jobManagerEpoch, s =>
        {
            previousAttempt = s.Attempt;
            s.Attempt = attempt;
            s.JobEnded = false;
        }, cancellationToken);

        // Only once this activation owns the state (the fenced write above): a stale one must delete nothing.
        if (previousAttempt >= 0 && previousAttempt != attempt)
        {
            CollectEndedAttempt(previousAttempt); // the previous attempt was not stopped (its coordinator activation died)
        }
        await this.RegisterOrUpdateReminder(WatchdogReminder, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1), cancellationToken);
        _scheduler = new CheckpointScheduler(TimeSpan.FromMilliseconds(_settings.IntervalMs), TimeSpan.FromMilliseconds(_settings.MinPauseMs), _settings.MaxConcurrent, time);
        _failures ??= new CheckpointFailureManager(_settings.TolerableFailures);
        _timer?.Dispose();
        var tick = TimeSpan.FromMilliseconds(Math.Clamp(_settings.IntervalMs / 10, 5, 200));
        _timer = this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions(tick, tick) { KeepAlive = true });
    }

    public async Task SeedFromSavepointAsync(long checkpointId, Dictionary<string, TaskSnapshot> tasks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        ThrowIfStale();
        var seeded = new RetainedCheckpoint(checkpointId, time.GetUtcNow(), tasks);
        await TakeOverAsync(jobManagerEpoch: null, s =>
        {
            s.LastId = Math.Max(s.LastId, checkpointId);
            s.Retained = [seeded];
        }, cancellationToken);
    }

    public async Task<long> TriggerSavepointAsync(bool terminate, CancellationToken cancellationToken)
    {
        ThrowIfStale();
        if (!_settings.IsEnabled || _scheduler is null)
        {
            throw new InvalidOperationException(
                $"Job {JobId} cannot take a savepoint: its checkpointing is off. Savepoints travel as checkpoint barriers; enable " +
                "checkpointing (EnableCheckpointing, or flow run --checkpoint-interval; a long interval such as 1h gives savepoints without frequent checkpoints).");
        }

        if (_terminating)
        {
            throw new InvalidOperationException($"Job {JobId} is already stopping with a savepoint.");
        }

        var status = await JobManager.GetStatusAsync(cancellationToken);
        if (WhyNotCheckpointable(status) is { } why)
        {
            throw new InvalidOperationException($"Job {JobId} cannot take a savepoint now: {why}.");
        }

        return await TriggerAsync(isSavepoint: true, terminate, cancellationToken)
            ?? throw new InvalidOperationException($"Job {JobId} could not start a savepoint: {state.State.History.FirstOrDefault()?.FailureReason}");
    }

    public Task<CheckpointStats?> GetCheckpointStatsAsync(long checkpointId, CancellationToken cancellationToken) =>
        Task.FromResult(state.State.History.Find(h => h.CheckpointId == checkpointId));

    public async Task StopAsync(bool jobEnded, bool discardCheckpoints, long jobManagerEpoch, CancellationToken cancellationToken)
    {
        ThrowIfStale();
        RefuseOlderJobManager(state.State, jobManagerEpoch); // before touching anything: the current job's checkpoints go on
        _terminating = false;
        _timer?.Dispose();
        _timer = null;
        AbortAll(jobEnded ? CheckpointFailureReason.CoordinatorShutdown : CheckpointFailureReason.JobFailing, jobEnded ? "the job ended" : "the job is restarting");
        var endedAttempt = -1;
        List<RetainedCheckpoint> discarded = [];
        List<SegmentRef> openFulls = [];
        await TakeOverAsync(jobManagerEpoch, s =>
        {
            endedAttempt = s.Attempt;
            openFulls = [.. s.OpenFulls];
            discarded = discardCheckpoints ? [.. s.Retained] : [];
            s.JobEnded = jobEnded;
            s.OpenFulls.Clear();
            if (discardCheckpoints)
            {
                s.Retained.Clear();
            }
        }, cancellationToken);

        // Only once this activation owns the state (the fenced write above): a stale one must delete nothing.
        if (_submission is not null && endedAttempt >= 0)
        {
            CollectEndedAttempt(endedAttempt, openFulls);
        }

        CollectDiscarded(discarded);
        await _deletions; // the job's storage is settled when the job manager hears back
        if (jobEnded && await this.GetReminder(WatchdogReminder, cancellationToken) is { } reminder)
        {
            await this.UnregisterReminder(reminder, cancellationToken);
        }
    }

    public async Task AcknowledgeAsync(long checkpointId, int vertexId, int subtask, int attempt, TaskSnapshot snapshot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (_stale)
        {
            return;
        }

        if (attempt != state.State.Attempt || !_pending.TryGetValue(checkpointId, out var inFlight))
        {
            // Late, of an aborted checkpoint or an older attempt: what it wrote for that checkpoint is of no use. An
            // acknowledgement of a newer attempt than this activation knows means it is stale: it deletes nothing.
            if (_submission is not null && attempt <= state.State.Attempt)
            {
                CollectAborted(checkpointId, attempt, [snapshot]);
            }

            return;
        }

        var taskKey = RetainedCheckpoint.TaskKey(vertexId, subtask);
        var latest = state.State.Retained.LastOrDefault();
        if (SegmentRetention.Rebase(checkpointId, snapshot, LiveSegments(), latest?.CheckpointId ?? CheckpointIds.None, latest?.Tasks.GetValueOrDefault(taskKey)) is not { } record)
        {
            var reason = $"{_submission!.Plan.Vertex(vertexId).Name} subtask {subtask}: its keyed state chain names segments no retained checkpoint holds any more";
            if (inFlight.Pending.Decline((vertexId, subtask), CheckpointFailureReason.Declined, reason))
            {
                inFlight.Tasks[taskKey] = snapshot;
                await OnAbortedAsync(inFlight);
            }

            return;
        }

        snapshot = record;

        if (inFlight.Pending.Acknowledge((vertexId, subtask), snapshot.ApproximateSize) != AcknowledgeResult.Success)
        {
            return;
        }

        NoteMaterializing(snapshot);

        inFlight.Tasks[RetainedCheckpoint.TaskKey(vertexId, subtask)] = snapshot;
        if (inFlight.Pending.IsFullyAcknowledged)
        {
            await CompleteAsync(inFlight);
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// A source subtask declines only when it cannot inject the barrier (it has just finished, failed or is not
    /// deployed) or could not reach us with its acknowledgement: the checkpoint could not run everywhere, which is
    /// <see cref="CheckpointFailureReason.TaskNotReady"/> (Flink's CHECKPOINT_DECLINED_TASK_NOT_READY) and, unlike a
    /// failed snapshot, does not count against the tolerable failures. A source that finishes while a trigger is on its
    /// way must not fail a bounded job at its very end.
    /// </remarks>
    public async Task DeclineAsync(long checkpointId, int vertexId, int subtask, int attempt, DeclineKind kind, string reason, CancellationToken cancellationToken)
    {
        if (_stale || attempt != state.State.Attempt || !_pending.TryGetValue(checkpointId, out var inFlight))
        {
            return;
        }

        var failure = kind switch
        {
            DeclineKind.Subsumed => CheckpointFailureReason.Subsumed,
            DeclineKind.CancellationMarker => CheckpointFailureReason.CancellationMarker,
            _ when _submission!.Plan.Vertex(vertexId).IsSource => CheckpointFailureReason.TaskNotReady,
            _ => CheckpointFailureReason.Declined,
        };
        if (inFlight.Pending.Decline((vertexId, subtask), failure, reason))
        {
            await OnAbortedAsync(inFlight);
        }
    }

    public Task<long> GetLatestCompletedAsync(CancellationToken cancellationToken) =>
        Task.FromResult(state.State.Retained.Count == 0 ? CheckpointIds.None : state.State.Retained[^1].CheckpointId);

    public Task<TaskSnapshot?> GetTaskSnapshotAsync(long checkpointId, int vertexId, int subtask, CancellationToken cancellationToken)
    {
        var checkpoint = state.State.Retained.Find(c => c.CheckpointId == checkpointId)
            ?? throw new KeyNotFoundException($"Job {JobId} has no retained checkpoint {checkpointId}.");
        return Task.FromResult(checkpoint.Tasks.GetValueOrDefault(RetainedCheckpoint.TaskKey(vertexId, subtask)));
    }

    public async Task<CheckpointOverview> GetOverviewAsync(CancellationToken cancellationToken)
    {
        var status = await JobManager.GetStatusAsync(cancellationToken);
        var latest = state.State.Retained.Count == 0 ? CheckpointIds.None : state.State.Retained[^1].CheckpointId;
        CheckpointStats[] history = [.. state.State.History];
        var summary = CheckpointSummaryCalculator.Summarize(state.State.CompletedCount, state.State.FailedCount, history);
        return new CheckpointOverview(state.State.CompletedCount, state.State.FailedCount, latest, status.Attempt, history, summary);
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (state.State.JobEnded)
        {
            if (await this.GetReminder(reminderName, CancellationToken.None) is { } reminder)
            {
                await this.UnregisterReminder(reminder, CancellationToken.None);
            }

            return;
        }

        await WakeJobManagerAsync();
    }

    private IJobManagerGrain JobManager => GrainFactory.GetGrain<IJobManagerGrain>(JobId);

    private async Task WakeJobManagerAsync()
    {
        try
        {
            await JobManager.GetStatusAsync(CancellationToken.None); // activating it lets it notice a lost attempt
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.CheckpointSkipped(logger, JobId, $"the job manager did not answer: {e.Message}");
        }
    }

    /// <summary>
    /// Applies a job manager's command and writes it, taking the state over from any other activation (the command is
    /// applied again to the stored state on a conflict). A command of an older job manager generation than the newest
    /// one obeyed is refused; <paramref name="jobManagerEpoch"/> null (a savepoint seed at submission) skips the check.
    /// </summary>
    private async Task TakeOverAsync(long? jobManagerEpoch, Action<CoordinatorState> command, CancellationToken cancellationToken)
    {
        await state.TakeOverAsync(_token, s =>
        {
            if (jobManagerEpoch is { } epoch)
            {
                RefuseOlderJobManager(s, epoch);
                s.JobManagerEpoch = epoch;
            }

            command(s);
        }, cancellationToken);

        // The state may have been read afresh: ids handed out by another activation are never handed out again.
        _ids.Observe(state.State.LastId);
    }

    private void RefuseOlderJobManager(CoordinatorState current, long epoch)
    {
        if (epoch < current.JobManagerEpoch)
        {
            throw new StaleActivationException(
                $"Job {JobId}: a command of job manager epoch {epoch} was refused; epoch {current.JobManagerEpoch} has taken the job over.");
        }
    }

    private void ThrowIfStale()
    {
        if (_stale)
        {
            throw new StaleActivationException($"Job {JobId}: this checkpoint coordinator activation is stale and deactivating; try again.");
        }
    }

    /// <summary>Stops acting: no trigger, no completion, no commit notice; the activation deactivates.</summary>
    private void StepAside(string reason)
    {
        if (_stale)
        {
            return;
        }

        _stale = true;
        Log.CoordinatorSuperseded(logger, JobId, reason);
        _timer?.Dispose();
        _timer = null;
        _pending.Clear();
        DeactivateOnIdle();
    }

    private void RegisterTimer(Func<CheckpointCoordinatorGrain, CancellationToken, Task> callback, TimeSpan due) =>
        this.RegisterGrainTimer(callback, this, new GrainTimerCreationOptions(due, Timeout.InfiniteTimeSpan));

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        if (_stale)
        {
            return;
        }

        foreach (var inFlight in _pending.Values.ToList())
        {
            if (inFlight.Pending.AbortIfExpired())
            {
                await OnAbortedAsync(inFlight);
            }
        }

        if (_scheduler is null || _triggering || _terminating || !_scheduler.Decide(_pending.Count).CanTrigger)
        {
            return;
        }

        _triggering = true;
        try
        {
            var status = await JobManager.GetStatusAsync(cancellationToken);
            if (WhyNotCheckpointable(status) is { } why)
            {
                Log.CheckpointSkipped(logger, JobId, why);
                _scheduler.OnTriggered(); // ask again one interval later
                return;
            }

            await TriggerAsync(isSavepoint: false, terminate: false, cancellationToken);
        }
        finally
        {
            _triggering = false;
        }
    }

    /// <summary>Why a checkpoint cannot be taken now, or null when it can (every task of this attempt is running).</summary>
    private string? WhyNotCheckpointable(JobStatusInfo status) =>
        status.Status != JobStatus.Running || status.Attempt != state.State.Attempt ? $"the job is {status.Status}"
        : status.FinishedTasks > 0 ? "some tasks have finished"
        : null;

    /// <summary>Starts a checkpoint (or savepoint); returns its id, or null when its id could not be stored.</summary>
    private async Task<long?> TriggerAsync(bool isSavepoint, bool terminate, CancellationToken cancellationToken)
    {
        var attempt = state.State.Attempt;
        var plan = _submission!.Plan;
        var tasks = plan.Vertices.SelectMany(v => Enumerable.Range(0, v.Parallelism).Select(s => (v.Id, s))).ToList();
        var checkpointId = _ids.Next();
        var started = time.GetUtcNow();
        state.State.LastId = _ids.LastId;
        try
        {
            await state.WriteFencedAsync(_token, cancellationToken);
        }
        catch (StaleActivationException e)
        {
            StepAside(e.Message);
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            RecordFailure(checkpointId, started, 0, StorageFailure(e));
            _scheduler!.OnTriggered();
            _scheduler.OnCheckpointEnded();
            if (!isSavepoint)
            {
                await CountFailureAsync(checkpointId, CheckpointFailureReason.StorageFailure, StorageFailure(e));
            }

            return null;
        }

        var pending = new PendingCheckpoint(checkpointId, tasks, TimeSpan.FromMilliseconds(_settings.TimeoutMs), time);
        var inFlight = new InFlight(pending, attempt, isSavepoint, terminate);
        _pending[checkpointId] = inFlight;
        _terminating |= terminate;
        _scheduler!.OnTriggered();
        state.State.History.Insert(0, new CheckpointStats(checkpointId, attempt, pending.TriggerTime, null, 0, CheckpointStatus.InProgress, null, isSavepoint));
        TrimHistory();
        Log.CheckpointTriggered(logger, JobId, checkpointId);
        var sources = plan.Vertices.Where(v => v.IsSource)
            .SelectMany(v => Enumerable.Range(0, v.Parallelism).Select(s => GrainFactory.GetGrain<IOperatorGrain>(GrainKeys.Task(JobId, v.Id, s, attempt))))
            .ToList();
        _ = TriggerSourcesAsync(inFlight, sources);
        return checkpointId;
    }

    /// <summary>
    /// Asks every source subtask to inject the barrier, outside the timer's turn: a source that cannot take the
    /// checkpoint (it has just finished) declines it by calling <see cref="DeclineAsync"/> before it returns, and that
    /// call would wait behind a tick that waits for the source (until Orleans' 30 s response timeout).
    /// </summary>
    private async Task TriggerSourcesAsync(InFlight inFlight, List<IOperatorGrain> sources)
    {
        try
        {
            await Task.WhenAll(sources.Select(s => s.TriggerCheckpointAsync(inFlight.Pending.CheckpointId, CancellationToken.None)));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            if (inFlight.Pending.Abort(CheckpointFailureReason.TaskNotReady, $"a source could not be triggered: {e.Message}"))
            {
                await OnAbortedAsync(inFlight);
            }
        }
    }

    private async Task CompleteAsync(InFlight inFlight)
    {
        var completed = inFlight.Pending.Complete();
        var id = completed.CheckpointId;
        var durationMs = (long)completed.Duration.TotalMilliseconds;
        _pending.Remove(id);
        var retained = new RetainedCheckpoint(id, completed.CompletionTime, inFlight.Tasks);
        var previous = state.State.Retained.ToList();
        var previousPinned = state.State.Pinned.ToList();
        var previousOpenFulls = state.State.OpenFulls.ToList();
        state.State.Retained.Add(retained);
        var evicted = new List<RetainedCheckpoint>();
        while (state.State.Retained.Count > Math.Max(1, _settings.Retained))
        {
            evicted.Add(state.State.Retained[0]);
            state.State.Retained.RemoveAt(0);
        }

        if (inFlight.IsSavepoint)
        {
            state.State.Pinned.AddRange(SegmentRetention.NamedBy(inFlight.Tasks.Values)); // never deleted by this job
        }
        else
        {
            UpdateHistory(id, durationMs, completed.TotalStateSize, CheckpointStatus.Completed, null);
        }

        state.State.CompletedCount++;
        try
        {
            await state.WriteFencedAsync(_token, CancellationToken.None);
        }
        catch (StaleActivationException e)
        {
            // Another activation owns the job's checkpoints now: this one completes nothing and tells no task to commit.
            StepAside(e.Message);
            return;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The previous completed checkpoint stays the one to restore; this one failed.
            state.State.Retained = previous;
            state.State.Pinned = previousPinned;
            state.State.OpenFulls = previousOpenFulls;
            state.State.CompletedCount--;
            state.State.FailedCount++;
            UpdateHistory(id, durationMs, completed.TotalStateSize, CheckpointStatus.Failed, StorageFailure(e));
            Log.CheckpointFailed(logger, JobId, id, e.Message);
            _scheduler?.OnCheckpointEnded();
            if (inFlight.IsSavepoint)
            {
                _terminating &= !inFlight.Terminate;
                return;
            }

            await CountFailureAsync(id, CheckpointFailureReason.StorageFailure, StorageFailure(e));
            return;
        }

        Log.CheckpointCompleted(logger, JobId, id, durationMs, completed.TotalStateSize);
        foreach (var older in _pending.Values.Where(p => p.Pending.CheckpointId < id).ToList())
        {
            if (older.Pending.Abort(CheckpointFailureReason.Subsumed, $"checkpoint {id} completed first"))
            {
                await OnAbortedAsync(older);
            }
        }

        CollectAfterCompletion(evicted, retained);
        var savepointStored = inFlight.IsSavepoint && await StoreSavepointAsync(inFlight, completed);
        _scheduler?.OnCheckpointEnded();
        _failures?.OnSuccess(id);
        if (inFlight.Terminate && savepointStored)
        {
            // Stop-with-savepoint: the job manager commits this savepoint's output and stops the job, in its own turn.
            _ = StopJobAfterSavepointAsync(id);
            return;
        }

        _terminating &= !inFlight.Terminate;
        _ = NotifyCompletedAsync(id, inFlight.Attempt, inFlight.Tasks); // tasks commit in their own turns; we go on
    }

    /// <summary>
    /// Stores a completed savepoint's metadata (the checkpoint itself is already persisted and pinned). Its history
    /// entry turns Completed only once the metadata is durable, so a client that sees it completed can restore it.
    /// A savepoint whose metadata could not be stored is reported failed; it stays a completed checkpoint of the job.
    /// </summary>
    private async Task<bool> StoreSavepointAsync(InFlight inFlight, CompletedCheckpoint completed)
    {
        var durationMs = (long)completed.Duration.TotalMilliseconds;
        try
        {
            var metadata = SavepointMetadataFactory.Create(_submission!, completed.CheckpointId, completed.CompletionTime, inFlight.Tasks);
            await GrainFactory.GetGrain<ISavepointGrain>(metadata.SavepointId).StoreAsync(metadata, CancellationToken.None);
            Log.SavepointStored(logger, JobId, completed.CheckpointId, metadata.SavepointId);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            UpdateHistory(completed.CheckpointId, durationMs, completed.TotalStateSize, CheckpointStatus.Failed, $"the savepoint could not be stored: {StorageFailure(e)}");
            Log.CheckpointFailed(logger, JobId, completed.CheckpointId, e.Message);
            return false;
        }

        UpdateHistory(completed.CheckpointId, durationMs, completed.TotalStateSize, CheckpointStatus.Completed, null);
        try
        {
            await state.WriteFencedAsync(_token, CancellationToken.None);
        }
        catch (StaleActivationException e)
        {
            StepAside(e.Message);
            return false;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.CheckpointSkipped(logger, JobId, $"the history of savepoint {completed.CheckpointId} could not be written: {e.Message}");
        }

        return true;
    }

    private async Task StopJobAfterSavepointAsync(long checkpointId)
    {
        try
        {
            await JobManager.StopAfterSavepointAsync(checkpointId, CancellationToken.None);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.CheckpointSkipped(logger, JobId, $"the job manager could not be told to stop after savepoint {checkpointId}: {e.Message}");
        }
    }

    /// <summary>Tells every subtask of the attempt; sinks commit. A task that cannot be told commits on its restore.</summary>
    private async Task NotifyCompletedAsync(long checkpointId, int attempt, IReadOnlyDictionary<string, TaskSnapshot> records)
    {
        var tasks = _submission!.Plan.Vertices.SelectMany(v => Enumerable.Range(0, v.Parallelism)
            .Select(s => (Grain: GrainFactory.GetGrain<IOperatorGrain>(GrainKeys.Task(JobId, v.Id, s, attempt)), Key: RetainedCheckpoint.TaskKey(v.Id, s))));
        try
        {
            await Task.WhenAll(tasks.Select(t => t.Grain.NotifyCheckpointCompleteAsync(checkpointId, records.GetValueOrDefault(t.Key)?.KeyedState, CancellationToken.None)));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.CheckpointNotifyFailed(logger, e, JobId, checkpointId);
        }
    }

    private async Task OnAbortedAsync(InFlight inFlight)
    {
        var pending = inFlight.Pending;
        _pending.Remove(pending.CheckpointId);
        CollectAborted(pending.CheckpointId, inFlight.Attempt, inFlight.Tasks.Values);
        var reason = pending.FailureMessage is { } message ? $"{pending.FailureReason}: {message}" : $"{pending.FailureReason}";
        RecordFailure(pending.CheckpointId, pending.TriggerTime, pending.TotalStateSize, reason);
        _scheduler?.OnCheckpointEnded();
        if (inFlight.IsSavepoint)
        {
            // As in Flink, a failed savepoint does not count against the tolerable checkpoint failures; a failed
            // stop-with-savepoint leaves the job running, with periodic checkpoints again.
            _terminating &= !inFlight.Terminate;
            return;
        }

        await CountFailureAsync(pending.CheckpointId, pending.FailureReason ?? CheckpointFailureReason.Declined, reason);
    }

    private void RecordFailure(long checkpointId, DateTimeOffset triggerTime, long size, string reason)
    {
        state.State.FailedCount++;
        var duration = (long)(time.GetUtcNow() - triggerTime).TotalMilliseconds;
        if (!UpdateHistory(checkpointId, duration, size, CheckpointStatus.Failed, reason))
        {
            state.State.History.Insert(0, new CheckpointStats(checkpointId, state.State.Attempt, triggerTime, duration, size, CheckpointStatus.Failed, reason));
            TrimHistory();
        }

        Log.CheckpointFailed(logger, JobId, checkpointId, reason);
    }

    /// <summary>Counts a failure against the tolerance; past it, the attempt fails (and the restart strategy decides).</summary>
    private async Task CountFailureAsync(long checkpointId, CheckpointFailureReason reason, string message)
    {
        if (_failures?.OnFailure(checkpointId, reason) == true)
        {
            var failure = new JobFailure("(checkpoint coordinator)", 0,
                $"Exceeded checkpoint tolerable failure threshold ({_settings.TolerableFailures}): checkpoint {checkpointId} failed: {message}", "CheckpointException");
            // Not awaited: the job manager stops us while it handles the failure.
            _ = ReportJobFailureAsync(state.State.Attempt, failure);
        }
    }

    private async Task ReportJobFailureAsync(int attempt, JobFailure failure)
    {
        try
        {
            await JobManager.ReportFailureAsync(attempt, failure, CancellationToken.None);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.CheckpointSkipped(logger, JobId, $"the job manager could not be told of a failure: {e.Message}");
        }
    }

    /// <summary>A one-line failure reason for a storage exception (Orleans' messages carry the whole exception chain and stack).</summary>
    private static string StorageFailure(Exception e)
    {
        var message = e.Message;
        var lineEnd = message.IndexOfAny(['\r', '\n']);
        return $"storage failure: {(lineEnd < 0 ? message : message[..lineEnd])} ({e.GetBaseException().GetType().Name})";
    }

    private bool UpdateHistory(long checkpointId, long durationMs, long size, CheckpointStatus status, string? reason)
    {
        var index = state.State.History.FindIndex(h => h.CheckpointId == checkpointId);
        if (index < 0)
        {
            return false;
        }

        state.State.History[index] = state.State.History[index] with { DurationMs = durationMs, StateSize = size, Status = status, FailureReason = reason };
        return true;
    }

    private void TrimHistory()
    {
        if (state.State.History.Count > HistoryLength)
        {
            state.State.History.RemoveRange(HistoryLength, state.State.History.Count - HistoryLength);
        }
    }

    private void AbortAll(CheckpointFailureReason reason, string message)
    {
        foreach (var inFlight in _pending.Values)
        {
            if (inFlight.Pending.Abort(reason, message))
            {
                RecordFailure(inFlight.Pending.CheckpointId, inFlight.Pending.TriggerTime, inFlight.Pending.TotalStateSize, $"{reason}: {message}");
            }
        }

        var aborted = _pending.Values.ToList();
        _pending.Clear();
        if (_submission is not null)
        {
            foreach (var inFlight in aborted)
            {
                CollectAborted(inFlight.Pending.CheckpointId, inFlight.Attempt, inFlight.Tasks.Values);
            }
        }
    }

    /// <summary>A checkpoint in progress with the subtask records received so far.</summary>
    private sealed record InFlight(PendingCheckpoint Pending, int Attempt, bool IsSavepoint, bool Terminate)
    {
        public Dictionary<string, TaskSnapshot> Tasks { get; } = new(StringComparer.Ordinal);
    }
}
