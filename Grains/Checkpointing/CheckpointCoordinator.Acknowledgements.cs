using OrleansFlow.Checkpoints;
using OrleansFlow.Checkpointing.Segments;
using OrleansFlow.Diagnostics;
using OrleansFlow.Jobs;

namespace OrleansFlow.Checkpointing;

/// <summary>
/// The end of a checkpoint: acknowledgements and declines from tasks (Flink's receiveAcknowledgeMessage and
/// receiveDeclineMessage), completion into the <see cref="CompletedCheckpointStore"/>, aborts, and failures counted
/// against the tolerance.
/// </summary>
internal sealed partial class CheckpointCoordinator
{
    /// <summary>
    /// A subtask acknowledged a checkpoint with its record of it. An acknowledgement of a checkpoint no longer in
    /// progress (aborted, or of an older attempt) is ignored, and what it wrote for that checkpoint is deleted. Not
    /// cancellable: a completion, once begun, runs to its end.
    /// </summary>
    public async Task AcknowledgeAsync(long checkpointId, int vertexId, int subtask, int attempt, TaskSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (_stale)
        {
            return;
        }

        if (attempt != State.Attempt || !_pending.TryGetValue(checkpointId, out var inFlight))
        {
            // Late, of an aborted checkpoint or an older attempt: what it wrote for that checkpoint is of no use. An
            // acknowledgement of a newer attempt than this activation knows means it is stale: it deletes nothing.
            if (_submission is not null && attempt <= State.Attempt)
            {
                _segments.Aborted(_submission.Plan, checkpointId, attempt, [snapshot]);
            }

            return;
        }

        var taskKey = RetainedCheckpoint.TaskKey(vertexId, subtask);
        var latest = Completed.Latest;
        if (SegmentRetention.Rebase(checkpointId, snapshot, _segments.LiveSegments(), latest?.CheckpointId ?? CheckpointIds.None, latest?.Tasks.GetValueOrDefault(taskKey)) is not { } record)
        {
            var reason = $"{_submission!.Plan.Vertex(vertexId).Name} subtask {subtask}: its keyed state chain names segments no retained checkpoint holds any more";
            if (inFlight.Pending.Decline((vertexId, subtask), CheckpointFailureReason.Declined, reason))
            {
                inFlight.Tasks[taskKey] = snapshot;
                OnAborted(inFlight);
            }

            return;
        }

        if (inFlight.Pending.Acknowledge((vertexId, subtask), record.ApproximateSize) != AcknowledgeResult.Success)
        {
            return;
        }

        _segments.NoteMaterializing(record);
        inFlight.Tasks[taskKey] = record;
        if (inFlight.Pending.IsFullyAcknowledged)
        {
            await CompleteAsync(inFlight);
        }
    }

    /// <summary>A subtask declined a checkpoint: it is aborted.</summary>
    /// <remarks>
    /// A source subtask declines only when it cannot inject the barrier (it has just finished, failed or is not
    /// deployed) or could not reach us with its acknowledgement: the checkpoint could not run everywhere, which is
    /// <see cref="CheckpointFailureReason.TaskNotReady"/> (Flink's CHECKPOINT_DECLINED_TASK_NOT_READY) and, unlike a
    /// failed snapshot, does not count against the tolerable failures. A source that finishes while a trigger is on its
    /// way must not fail a bounded job at its very end.
    /// </remarks>
    public void Decline(long checkpointId, int vertexId, int subtask, int attempt, DeclineKind kind, string reason)
    {
        if (_stale || attempt != State.Attempt || !_pending.TryGetValue(checkpointId, out var inFlight))
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
            OnAborted(inFlight);
        }
    }

    private async Task CompleteAsync(InFlight inFlight)
    {
        var completed = inFlight.Pending.Complete();
        var id = completed.CheckpointId;
        var durationMs = (long)completed.Duration.TotalMilliseconds;
        _pending.Remove(id);
        var retained = new RetainedCheckpoint(id, completed.CompletionTime, inFlight.Tasks);
        var store = Completed;
        var previousPinned = State.Pinned.ToList();
        var previousOpenFulls = State.OpenFulls.ToList();
        var evicted = store.Add(retained);
        if (inFlight.IsSavepoint)
        {
            State.Pinned.AddRange(SegmentRetention.NamedBy(inFlight.Tasks.Values)); // never deleted by this job
        }
        else
        {
            _stats.Update(id, durationMs, completed.TotalStateSize, CheckpointStatus.Completed, null);
        }

        _stats.CountCompleted();
        try
        {
            await _store.WriteAsync(CancellationToken.None);
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
            store.RollBack(retained, evicted);
            State.Pinned = previousPinned;
            State.OpenFulls = previousOpenFulls;
            _stats.RecountCompletedAsFailed();
            _stats.Update(id, durationMs, completed.TotalStateSize, CheckpointStatus.Failed, StorageFailure(e));
            Log.CheckpointFailed(_logger, _jobId, id, e.Message);
            _scheduler?.OnCheckpointEnded();
            if (inFlight.IsSavepoint)
            {
                _terminating &= !inFlight.Terminate;
                return;
            }

            CountFailure(id, CheckpointFailureReason.StorageFailure, StorageFailure(e));
            return;
        }

        Log.CheckpointCompleted(_logger, _jobId, id, durationMs, completed.TotalStateSize);
        foreach (var older in _pending.Values.Where(p => p.Pending.CheckpointId < id).ToList())
        {
            if (older.Pending.Abort(CheckpointFailureReason.Subsumed, $"checkpoint {id} completed first"))
            {
                OnAborted(older);
            }
        }

        _segments.AfterCompletion(evicted, retained);
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
            await _job.StoreSavepointAsync(metadata, CancellationToken.None);
            Log.SavepointStored(_logger, _jobId, completed.CheckpointId, metadata.SavepointId);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _stats.Update(completed.CheckpointId, durationMs, completed.TotalStateSize, CheckpointStatus.Failed, $"the savepoint could not be stored: {StorageFailure(e)}");
            Log.CheckpointFailed(_logger, _jobId, completed.CheckpointId, e.Message);
            return false;
        }

        _stats.Update(completed.CheckpointId, durationMs, completed.TotalStateSize, CheckpointStatus.Completed, null);
        try
        {
            await _store.WriteAsync(CancellationToken.None);
        }
        catch (StaleActivationException e)
        {
            StepAside(e.Message);
            return false;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.CheckpointSkipped(_logger, _jobId, $"the history of savepoint {completed.CheckpointId} could not be written: {e.Message}");
        }

        return true;
    }

    private async Task StopJobAfterSavepointAsync(long checkpointId)
    {
        try
        {
            await _job.StopAfterSavepointAsync(checkpointId, CancellationToken.None);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.CheckpointSkipped(_logger, _jobId, $"the job manager could not be told to stop after savepoint {checkpointId}: {e.Message}");
        }
    }

    /// <summary>Tells every subtask of the attempt; sinks commit. A task that cannot be told commits on its restore.</summary>
    private async Task NotifyCompletedAsync(long checkpointId, int attempt, IReadOnlyDictionary<string, TaskSnapshot> records)
    {
        try
        {
            await _tasks.NotifyCheckpointCompleteAsync(_submission!.Plan, attempt, checkpointId, records, CancellationToken.None);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.CheckpointNotifyFailed(_logger, e, _jobId, checkpointId);
        }
    }

    private void OnAborted(InFlight inFlight)
    {
        var pending = inFlight.Pending;
        _pending.Remove(pending.CheckpointId);
        _segments.Aborted(_submission!.Plan, pending.CheckpointId, inFlight.Attempt, inFlight.Tasks.Values);
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

        CountFailure(pending.CheckpointId, pending.FailureReason ?? CheckpointFailureReason.Declined, reason);
    }

    private void RecordFailure(long checkpointId, DateTimeOffset triggerTime, long size, string reason)
    {
        _stats.ReportFailed(checkpointId, triggerTime, size, reason);
        Log.CheckpointFailed(_logger, _jobId, checkpointId, reason);
    }

    /// <summary>Counts a failure against the tolerance; past it, the attempt fails (and the restart strategy decides).</summary>
    private void CountFailure(long checkpointId, CheckpointFailureReason reason, string message)
    {
        if (_failures?.OnFailure(checkpointId, reason) == true)
        {
            var failure = new JobFailure("(checkpoint coordinator)", 0,
                $"Exceeded checkpoint tolerable failure threshold ({_settings.TolerableFailures}): checkpoint {checkpointId} failed: {message}", "CheckpointException");
            // Not awaited: the job manager stops us while it handles the failure.
            _ = ReportJobFailureAsync(State.Attempt, failure);
        }
    }

    private async Task ReportJobFailureAsync(int attempt, JobFailure failure)
    {
        try
        {
            await _job.ReportFailureAsync(attempt, failure, CancellationToken.None);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.CheckpointSkipped(_logger, _jobId, $"the job manager could not be told of a failure: {e.Message}");
        }
    }

    /// <summary>A one-line failure reason for a storage exception (Orleans' messages carry the whole exception chain and stack).</summary>
    private static string StorageFailure(Exception e)
    {
        var message = e.Message;
        var lineEnd = message.IndexOfAny(['\r', '\n']);
        return $"storage failure: {(lineEnd < 0 ? message : message[..lineEnd])} ({e.GetBaseException().GetType().Name})";
    }

    /// <summary>Aborts every checkpoint in progress (the attempt ends); what they wrote is deleted.</summary>
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
                _segments.Aborted(_submission.Plan, inFlight.Pending.CheckpointId, inFlight.Attempt, inFlight.Tasks.Values);
            }
        }
    }
}
