using Microsoft.Extensions.Logging;
using OrleansFlow.Checkpoints;
using OrleansFlow.Diagnostics;
using OrleansFlow.Jobs;

namespace OrleansFlow.Checkpointing;

/// <summary>
/// Flink's CheckpointCoordinator for one job, as a plain class: it holds the decisions and reaches the world through
/// injected collaborators, so that unit tests drive it with fakes and a fake clock. On every <see cref="TickAsync"/>
/// it aborts checkpoints past their deadline (<see cref="PendingCheckpoint"/>) and asks the
/// <see cref="CheckpointScheduler"/> (interval, concurrency, minimum pause) whether a checkpoint is due. A checkpoint
/// gets the next id from the <see cref="CheckpointIdCounter"/> (persisted first, so ids never repeat across
/// failovers), its barrier is injected at every source subtask (<see cref="ICheckpointTaskGateway"/>), and it
/// completes when every subtask acknowledged: then it is added to the <see cref="CompletedCheckpointStore"/> and
/// persisted (a failed write rolls the store back and fails the checkpoint), older ones in progress are subsumed, and
/// subtasks are told so that two-phase-commit sinks commit. Failures count against the tolerance
/// (<see cref="CheckpointFailureManager"/>); past it the attempt fails. Statistics go to a <see cref="CheckpointStatsTracker"/>.
/// Checkpoints are taken only while every subtask of the attempt is running (Flink before 1.14): once a source has
/// finished, its position can no longer be part of a consistent snapshot.
/// <para>
/// Savepoints are checkpoints triggered on request (not subject to the interval or concurrency limits) that are also
/// stored as <see cref="SavepointMetadata"/>; the snapshot segments they name are pinned (never deleted by the job). A
/// stop-with-savepoint pauses periodic triggers and, once its savepoint completed, hands over to the job manager.
/// </para>
/// <para>
/// Single-threaded: its owner (<see cref="CheckpointCoordinatorGrain"/>) calls it one turn at a time. When a fenced
/// write finds another activation's (<see cref="StaleActivationException"/>) it steps aside: it completes nothing,
/// tells no task to commit, and calls the owner's <c>onSuperseded</c>.
/// </para>
/// </summary>
internal sealed partial class CheckpointCoordinator
{
    private readonly string _jobId;
    private readonly ICoordinatorStateStore _store;
    private readonly ICheckpointTaskGateway _tasks;
    private readonly ICheckpointJobGateway _job;
    private readonly ISegmentDeleter _deleter;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Action _onSuperseded;
    private readonly CheckpointStatsTracker _stats;
    private readonly CheckpointSegmentCollector _segments;
    private readonly Dictionary<long, InFlight> _pending = [];
    private readonly CheckpointIdCounter _ids;
    private JobSubmission? _submission;
    private CheckpointSettings _settings = CheckpointSettings.Disabled;
    private CheckpointScheduler? _scheduler;
    private CheckpointFailureManager? _failures;
    private bool _triggering;
    private bool _terminating;
    private bool _stale;

    /// <summary>Creates the coordinator of a job over its persisted state (as stored; nothing runs until <see cref="StartAsync"/>).</summary>
    /// <param name="jobId">The job.</param>
    /// <param name="store">The persisted state and its fenced writes.</param>
    /// <param name="tasks">Reaches the tasks of an attempt.</param>
    /// <param name="job">Reaches the job manager and the savepoint store.</param>
    /// <param name="deleter">Deletes snapshot segments no checkpoint needs.</param>
    /// <param name="time">The clock.</param>
    /// <param name="logger">The log.</param>
    /// <param name="onSuperseded">Called once when another activation has taken the job's checkpoints over: stop the timers and deactivate.</param>
    public CheckpointCoordinator(
        string jobId,
        ICoordinatorStateStore store,
        ICheckpointTaskGateway tasks,
        ICheckpointJobGateway job,
        ISegmentDeleter deleter,
        TimeProvider time,
        ILogger logger,
        Action onSuperseded)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(tasks);
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(deleter);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(onSuperseded);
        (_jobId, _store, _tasks, _job, _deleter, _time, _logger, _onSuperseded) = (jobId, store, tasks, job, deleter, time, logger, onSuperseded);
        _stats = new CheckpointStatsTracker(() => _store.State, time);
        _segments = new CheckpointSegmentCollector(jobId, () => _store.State, () => _pending.Values.SelectMany(p => p.Tasks.Values), deleter);
        _ids = new CheckpointIdCounter(State.LastId);
        _ids.Observe(Completed.LatestId);
    }

    /// <summary>Whether another activation has taken over: this one acts no more.</summary>
    public bool IsStale => _stale;

    /// <summary>How many checkpoints are in progress.</summary>
    public int PendingCount => _pending.Count;

    /// <summary>The id of the latest completed checkpoint, or <see cref="CheckpointIds.None"/>.</summary>
    public long LatestCompletedId => Completed.LatestId;

    private CoordinatorState State => _store.State;

    /// <summary>The retained completed checkpoints (a view over the persisted list).</summary>
    private CompletedCheckpointStore Completed => new(Math.Max(1, _settings.Retained), State.Retained);

    /// <summary>
    /// Starts checkpointing <paramref name="attempt"/> (aborting what was in progress) and collects what an earlier
    /// attempt left behind. Returns whether checkpointing is on; then the owner ticks <see cref="TickAsync"/>.
    /// </summary>
    /// <exception cref="StaleActivationException">This activation is stale, or the command comes from an older job manager.</exception>
    public async Task<bool> StartAsync(JobSubmission submission, int attempt, long jobManagerEpoch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(submission);
        AcceptCommand(jobManagerEpoch);
        _terminating = false;
        _submission = submission;
        _settings = submission.Checkpointing ?? CheckpointSettings.Disabled;
        if (!_settings.IsEnabled)
        {
            return false;
        }

        AbortAll(CheckpointFailureReason.JobFailing, "a new attempt started");
        await EndAttemptAsync(jobManagerEpoch, s =>
        {
            var previous = s.Attempt;
            s.Attempt = attempt;
            s.JobEnded = false;
            // The previous attempt was not stopped (its coordinator activation died): collect what it left behind.
            return previous >= 0 && previous != attempt ? previous : null;
        }, cancellationToken);

        _scheduler = new CheckpointScheduler(TimeSpan.FromMilliseconds(_settings.IntervalMs), TimeSpan.FromMilliseconds(_settings.MinPauseMs), _settings.MaxConcurrent, _time);
        _failures ??= new CheckpointFailureManager(_settings.TolerableFailures);
        return true;
    }

    /// <summary>
    /// Throws unless this activation may obey a command of job manager generation <paramref name="jobManagerEpoch"/>:
    /// it is not stale, and no newer generation has commanded it.
    /// </summary>
    /// <exception cref="StaleActivationException">It may not.</exception>
    public void AcceptCommand(long jobManagerEpoch)
    {
        ThrowIfStale();
        State.RefuseOlderJobManager(_jobId, jobManagerEpoch);
    }

    /// <summary>Makes a savepoint's checkpoint the one the job restores from (a job submitted from a savepoint).</summary>
    public async Task SeedFromSavepointAsync(long checkpointId, Dictionary<string, TaskSnapshot> tasks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        ThrowIfStale();
        var seeded = new RetainedCheckpoint(checkpointId, _time.GetUtcNow(), tasks);
        await TakeOverAsync(jobManagerEpoch: null, s =>
        {
            s.LastId = Math.Max(s.LastId, checkpointId);
            s.Retained = [seeded];
        }, cancellationToken);
    }

    /// <summary>
    /// Stops checkpointing: aborts what is in progress, collects what the attempt left behind and, when
    /// <paramref name="discardCheckpoints"/>, deletes the retained checkpoints. Completes once the deletions ended.
    /// </summary>
    public async Task StopAsync(bool jobEnded, bool discardCheckpoints, long jobManagerEpoch, CancellationToken cancellationToken)
    {
        AcceptCommand(jobManagerEpoch); // before touching anything: the current job's checkpoints go on
        _terminating = false;
        AbortAll(jobEnded ? CheckpointFailureReason.CoordinatorShutdown : CheckpointFailureReason.JobFailing, jobEnded ? "the job ended" : "the job is restarting");
        IReadOnlyList<RetainedCheckpoint> discarded = [];
        await EndAttemptAsync(jobManagerEpoch, s =>
        {
            s.JobEnded = jobEnded;
            discarded = discardCheckpoints ? new CompletedCheckpointStore(Math.Max(1, _settings.Retained), s.Retained).Clear() : [];
            return s.Attempt;
        }, cancellationToken);

        _segments.Discarded(discarded);
        await _deleter.DrainAsync(); // the job's storage is settled when the job manager hears back
    }

    /// <summary>Triggers a savepoint now; returns its checkpoint id.</summary>
    /// <param name="terminate">Stop-with-savepoint: once it completed, the job manager stops the job.</param>
    /// <param name="cancellationToken">Cancels the trigger.</param>
    /// <exception cref="SavepointRefusedException">Checkpointing is off, the job cannot take one now, or its id could not be stored.</exception>
    public async Task<long> TriggerSavepointAsync(bool terminate, CancellationToken cancellationToken)
    {
        ThrowIfStale();
        if (!_settings.IsEnabled || _scheduler is null)
        {
            throw new SavepointRefusedException(
                $"Job {_jobId} cannot take a savepoint: its checkpointing is off. Savepoints travel as checkpoint barriers; enable " +
                "checkpointing (EnableCheckpointing, or flow run --checkpoint-interval; a long interval such as 1h gives savepoints without frequent checkpoints).");
        }

        if (_terminating)
        {
            throw new SavepointRefusedException($"Job {_jobId} is already stopping with a savepoint.");
        }

        var status = await _job.GetStatusAsync(cancellationToken);
        if (WhyNotCheckpointable(status) is { } why)
        {
            throw new SavepointRefusedException($"Job {_jobId} cannot take a savepoint now: {why}.");
        }

        return await TriggerAsync(isSavepoint: true, terminate, cancellationToken)
            ?? throw new SavepointRefusedException($"Job {_jobId} could not start a savepoint: {_stats.Newest?.FailureReason}");
    }

    /// <summary>
    /// Aborts the checkpoints past their deadline and triggers a periodic checkpoint when the scheduler says one is due
    /// and the job manager says every task of the attempt runs.
    /// </summary>
    public async Task TickAsync(CancellationToken cancellationToken)
    {
        if (_stale)
        {
            return;
        }

        foreach (var inFlight in _pending.Values.ToList())
        {
            if (inFlight.Pending.AbortIfExpired())
            {
                OnAborted(inFlight);
            }
        }

        if (_scheduler is null || _triggering || _terminating || !_scheduler.Decide(_pending.Count).CanTrigger)
        {
            return;
        }

        _triggering = true;
        try
        {
            var status = await _job.GetStatusAsync(cancellationToken);
            if (WhyNotCheckpointable(status) is { } why)
            {
                Log.CheckpointSkipped(_logger, _jobId, why);
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

    /// <summary>A checkpoint's history entry, or null.</summary>
    public CheckpointStats? GetCheckpointStats(long checkpointId) => _stats.Find(checkpointId);

    /// <summary>A subtask's record in a retained checkpoint (null when it recorded nothing).</summary>
    /// <exception cref="KeyNotFoundException">No such checkpoint is retained.</exception>
    public TaskSnapshot? GetTaskSnapshot(long checkpointId, int vertexId, int subtask)
    {
        var checkpoint = Completed.Find(checkpointId)
            ?? throw new KeyNotFoundException($"Job {_jobId} has no retained checkpoint {checkpointId}.");
        return checkpoint.Tasks.GetValueOrDefault(RetainedCheckpoint.TaskKey(vertexId, subtask));
    }

    /// <summary>The overview a client sees: counts, latest completed checkpoint, history and summary.</summary>
    public async Task<CheckpointOverview> GetOverviewAsync(CancellationToken cancellationToken)
    {
        var status = await _job.GetStatusAsync(cancellationToken);
        return _stats.Overview(Completed.LatestId, status.Attempt);
    }

    /// <summary>Why a checkpoint cannot be taken now, or null when it can (every task of this attempt is running).</summary>
    private string? WhyNotCheckpointable(JobStatusInfo status) =>
        status.Status != JobStatus.Running || status.Attempt != State.Attempt ? $"the job is {status.Status}"
        : status.FinishedTasks > 0 ? "some tasks have finished"
        : null;

    /// <summary>Starts a checkpoint (or savepoint); returns its id, or null when its id could not be stored.</summary>
    private async Task<long?> TriggerAsync(bool isSavepoint, bool terminate, CancellationToken cancellationToken)
    {
        var attempt = State.Attempt;
        var plan = _submission!.Plan;
        var tasks = plan.Vertices.SelectMany(v => Enumerable.Range(0, v.Parallelism).Select(s => (v.Id, s))).ToList();
        var checkpointId = _ids.Next();
        var started = _time.GetUtcNow();
        State.LastId = _ids.LastId;
        try
        {
            await _store.WriteAsync(cancellationToken);
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
                CountFailure(checkpointId, CheckpointFailureReason.StorageFailure, StorageFailure(e));
            }

            return null;
        }

        var pending = new PendingCheckpoint(checkpointId, tasks, TimeSpan.FromMilliseconds(_settings.TimeoutMs), _time);
        var inFlight = new InFlight(pending, attempt, isSavepoint, terminate);
        _pending[checkpointId] = inFlight;
        _terminating |= terminate;
        _scheduler!.OnTriggered();
        _stats.ReportPending(checkpointId, attempt, pending.TriggerTime, isSavepoint);
        Log.CheckpointTriggered(_logger, _jobId, checkpointId);
        _ = TriggerSourcesAsync(inFlight, plan);
        return checkpointId;
    }

    /// <summary>
    /// Asks every source subtask to inject the barrier, outside the caller's turn: a source that cannot take the
    /// checkpoint (it has just finished) declines it by calling the grain's DeclineAsync before it returns, and that
    /// call would wait behind a tick that waits for the source (until Orleans' 30 s response timeout).
    /// </summary>
    private async Task TriggerSourcesAsync(InFlight inFlight, JobPlan plan)
    {
        try
        {
            await _tasks.TriggerCheckpointAsync(plan, inFlight.Attempt, inFlight.Pending.CheckpointId, CancellationToken.None);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            if (inFlight.Pending.Abort(CheckpointFailureReason.TaskNotReady, $"a source could not be triggered: {e.Message}"))
            {
                OnAborted(inFlight);
            }
        }
    }

    /// <summary>
    /// Applies a job manager's command that may end an attempt (a new one starts, or checkpointing stops), taking the
    /// state over; the command returns the attempt it ended, or null. The ended attempt's open full segments leave the
    /// state with the same write and, only once this activation owns the state (a stale one must delete nothing), what
    /// it left behind is deleted.
    /// </summary>
    private async Task EndAttemptAsync(long jobManagerEpoch, Func<CoordinatorState, int?> command, CancellationToken cancellationToken)
    {
        var ended = -1;
        List<SegmentRef> openFulls = [];
        await TakeOverAsync(jobManagerEpoch, s =>
        {
            ended = command(s) ?? -1;
            openFulls = ended >= 0 ? [.. s.OpenFulls] : [];
            if (ended >= 0)
            {
                s.OpenFulls.Clear();
            }
        }, cancellationToken);

        if (ended >= 0 && _submission is not null)
        {
            _segments.EndedAttempt(_submission.Plan, ended, openFulls);
        }
    }

    private async Task TakeOverAsync(long? jobManagerEpoch, Action<CoordinatorState> command, CancellationToken cancellationToken)
    {
        await _store.TakeOverAsync(jobManagerEpoch, command, cancellationToken);

        // The state may have been read afresh: ids handed out by another activation are never handed out again.
        _ids.Observe(State.LastId);
    }

    private void ThrowIfStale()
    {
        if (_stale)
        {
            throw new StaleActivationException($"Job {_jobId}: this checkpoint coordinator activation is stale and deactivating; try again.");
        }
    }

    /// <summary>Stops acting: no trigger, no completion, no commit notice; the owner deactivates.</summary>
    private void StepAside(string reason)
    {
        if (_stale)
        {
            return;
        }

        _stale = true;
        Log.CoordinatorSuperseded(_logger, _jobId, reason);
        _pending.Clear();
        _onSuperseded();
    }

    /// <summary>A checkpoint in progress with the subtask records received so far.</summary>
    private sealed record InFlight(PendingCheckpoint Pending, int Attempt, bool IsSavepoint, bool Terminate)
    {
        public Dictionary<string, TaskSnapshot> Tasks { get; } = new(StringComparer.Ordinal);
    }
}
