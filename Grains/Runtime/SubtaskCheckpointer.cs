using Microsoft.Extensions.Logging;
using OrleansFlow.Checkpointing;
using OrleansFlow.Checkpointing.Segments;
using OrleansFlow.Checkpoints;
using OrleansFlow.Diagnostics;
using OrleansFlow.Execution;
using OrleansFlow.Jobs;
using OrleansFlow.Sinks;

namespace OrleansFlow.Runtime;

/// <summary>
/// A subtask's side of checkpoints, after Flink's SubtaskCheckpointCoordinator. At a barrier (every record before it
/// processed and flushed by the task) it starts writing the keyed state, seals the sinks' pending output, forwards the
/// barrier and acknowledges in the background once the keyed state is durable, while the task already processes the
/// input after the barrier. It declines what it cannot complete, commits sinks when a checkpoint completes, and builds
/// the sinks' contexts (what they restore). Every failure to answer the coordinator is logged: a lost acknowledgement
/// is declined, a lost decline ends as the checkpoint's timeout. Once the subtask is cancelled it answers nothing and
/// deletes what no acknowledgement will name.
/// </summary>
internal sealed class SubtaskCheckpointer
{
    private readonly TaskAddress _address;
    private readonly string _taskName;
    private readonly string _taskKey;
    private readonly ICheckpointResponder _responder;
    private readonly IKeyedSnapshots? _keyed;
    private readonly IReadOnlyDictionary<int, ISinkCollector> _sinks;
    private readonly IReadOnlyDictionary<int, IWatermarkAssigner> _assigners;
    private readonly Func<long, CancellationToken, Task> _forwardBarrier;
    private readonly Mailbox _sinkLane;
    private readonly ILogger _logger;
    private readonly CancellationToken _cancellation;
    private readonly HashSet<Task> _acknowledging = [];

    /// <summary>Creates the checkpointer of one subtask attempt.</summary>
    /// <param name="address">The subtask attempt.</param>
    /// <param name="taskName">The task's name, for decline reasons.</param>
    /// <param name="responder">Where acknowledgements and declines go.</param>
    /// <param name="keyed">The keyed head's snapshots, if the head is keyed and checkpoints are on.</param>
    /// <param name="sinks">The chain's sinks by operator id.</param>
    /// <param name="assigners">The chain's watermark assigners by operator id (their watermarks are recorded).</param>
    /// <param name="forwardBarrier">Sends a checkpoint's barrier to every output channel.</param>
    /// <param name="sinkLane">The mailbox sink flushes run in (sealing and committing never overlap a flush).</param>
    /// <param name="lastCompletedCheckpointId">The checkpoint the attempt was restored from, if any.</param>
    /// <param name="logger">Where failures to answer the coordinator are logged.</param>
    /// <param name="cancellation">Cancelled when the subtask is.</param>
    public SubtaskCheckpointer(
        TaskAddress address,
        string taskName,
        ICheckpointResponder responder,
        IKeyedSnapshots? keyed,
        IReadOnlyDictionary<int, ISinkCollector> sinks,
        IReadOnlyDictionary<int, IWatermarkAssigner> assigners,
        Func<long, CancellationToken, Task> forwardBarrier,
        Mailbox sinkLane,
        long lastCompletedCheckpointId,
        ILogger logger,
        CancellationToken cancellation)
    {
        _address = address;
        _taskName = taskName;
        _taskKey = GrainKeys.Task(address.JobId, address.VertexId, address.Subtask, address.Attempt);
        _responder = responder;
        _keyed = keyed;
        _sinks = sinks;
        _assigners = assigners;
        _forwardBarrier = forwardBarrier;
        _sinkLane = sinkLane;
        LastCompletedCheckpointId = lastCompletedCheckpointId;
        _logger = logger;
        _cancellation = cancellation;
    }

    /// <summary>The newest checkpoint this subtask heard had completed (or was restored from).</summary>
    public long LastCompletedCheckpointId { get; private set; }

    /// <summary>How many acknowledgements are still in flight.</summary>
    public int PendingAcknowledgements => _acknowledging.Count;

    private bool IsCancelled => _cancellation.IsCancellationRequested;

    /// <summary>
    /// Takes this subtask's part of checkpoint <paramref name="checkpointId"/>; call it with every record before the
    /// barrier processed and flushed. Starts the keyed state's write, seals sink output, records watermarks, forwards the
    /// barrier, and acknowledges in the background once the keyed state is durable (or declines if it cannot be written).
    /// </summary>
    /// <param name="checkpointId">The checkpoint.</param>
    /// <param name="sourcePosition">A source's reader position at the barrier, or null.</param>
    /// <param name="cancellationToken">The subtask's token.</param>
    public async Task SnapshotAsync(long checkpointId, long? sourcePosition, CancellationToken cancellationToken)
    {
        var (keyedWrite, materializing) = _keyed is { } keyed
            ? keyed.Capture(checkpointId, _address.Attempt, cancellationToken)
            : (null, null);
        var sinkStates = new Dictionary<int, byte[]>();
        await _sinkLane.RunAsync(
            async () =>
            {
                foreach (var (operatorId, sink) in _sinks)
                {
                    if (await sink.PrepareCommitAsync(checkpointId, cancellationToken) is { } state)
                    {
                        sinkStates[operatorId] = state;
                    }
                }
            },
            cancellationToken);

        var watermarks = _assigners.ToDictionary(a => a.Key, a => a.Value.CurrentWatermark);
        await _forwardBarrier(checkpointId, cancellationToken);
        Track(AcknowledgeAsync(checkpointId, keyedWrite, materializing, sourcePosition, watermarks, sinkStates));
    }

    /// <summary>
    /// Tells the coordinator this subtask cannot complete a checkpoint. Best effort, never throws: a failed call is
    /// logged (unless the subtask was cancelled) and the checkpoint then times out.
    /// </summary>
    public async Task DeclineAsync(long checkpointId, DeclineKind kind, string reason)
    {
        try
        {
            await _responder.DeclineAsync(checkpointId, kind, reason, CancellationToken.None);
        }
        catch (Exception e) when (!IsCancelled)
        {
            Log.CheckpointDeclineFailed(_logger, e, _taskKey, checkpointId, kind);
        }
        catch (Exception)
        {
            // Cancelled: the attempt is over, nobody waits for the answer.
        }
    }

    /// <summary>Declines a checkpoint barrier alignment aborted (subsumed by a newer one, or cancelled); does not wait.</summary>
    public void DeclineAborted(AbortedCheckpoint aborted)
    {
        var kind = aborted.Reason == CheckpointFailureReason.Subsumed ? DeclineKind.Subsumed : DeclineKind.CancellationMarker;
        _ = DeclineAsync(aborted.CheckpointId, kind, $"aborted at {_taskName} subtask {_address.Subtask}: {aborted.Reason}");
    }

    /// <summary>
    /// A checkpoint completed (or, for <see cref="CheckpointIds.EndOfInput"/>, the job's input ended): the keyed
    /// snapshots learn the chain the coordinator kept, and two-phase-commit sinks make what they sealed visible.
    /// </summary>
    /// <param name="checkpointId">The checkpoint.</param>
    /// <param name="keyedState">The segment chain the completed checkpoint names for this subtask, if the coordinator says.</param>
    /// <exception cref="Exception">A sink's commit failed (logged, then rethrown: the subtask fails).</exception>
    public async Task CommitAsync(long checkpointId, IReadOnlyList<SegmentRef>? keyedState)
    {
        if (checkpointId != CheckpointIds.EndOfInput)
        {
            LastCompletedCheckpointId = Math.Max(LastCompletedCheckpointId, checkpointId);
            _keyed?.OnCompleted(checkpointId, keyedState);
        }

        try
        {
            await _sinkLane.RunAsync(async () =>
            {
                foreach (var sink in _sinks.Values)
                {
                    await sink.CommitAsync(checkpointId, _cancellation);
                }
            });
        }
        catch (Exception e) when (!IsCancelled)
        {
            Log.CheckpointCommitFailed(_logger, e, _taskKey, checkpointId);
            throw;
        }
    }

    /// <summary>Waits until every acknowledgement in flight has ended (for a cancelled subtask, its deletions too).</summary>
    public Task SettleAsync() => Task.WhenAll(_acknowledging.ToList());

    /// <summary>Builds a sink's context: what it restores and whether it must commit exactly once.</summary>
    /// <remarks>
    /// A sink restored from the savepoint a job started with, which got no state from it (it is new in this job),
    /// starts fresh as in a first run.
    /// </remarks>
    public static SinkContext SinkContextFor(
        SinkTransformationInfo sink, TaskAddress address, JobSubmission submission, long restoredCheckpointId, TaskSnapshot? restored, IGrainFactory grains)
    {
        var checkpointing = submission.Checkpointing ?? CheckpointSettings.Disabled;
        return new(address.JobId, sink.OperatorId, sink.Name, address.Subtask, sink.Parallelism)
        {
            Restore = SinkRestoreFor(sink.OperatorId, restoredCheckpointId, submission.Restore, restored),
            ExactlyOnce = checkpointing.IsEnabled && checkpointing.Mode == CheckpointingMode.ExactlyOnce,
            CollectedResults = (records, ct) => grains.GetGrain<ICollectSinkGrain>(GrainKeys.Collector(address.JobId, sink.OperatorId)).AppendAsync(address.Subtask, records, ct),
        };
    }

    /// <summary>
    /// What a sink restores: nothing in a first run or when the job's starting savepoint gave it no state; otherwise
    /// the state it recorded in the restored checkpoint (empty if it recorded none).
    /// </summary>
    public static SinkRestore? SinkRestoreFor(int operatorId, long restoredCheckpointId, SavepointRestore? savepoint, TaskSnapshot? restored) =>
        restoredCheckpointId == CheckpointIds.None
        || (savepoint is not null && savepoint.CheckpointId == restoredCheckpointId && !savepoint.RestoredOperatorIds.Contains(operatorId))
            ? null
            : new SinkRestore(restoredCheckpointId, restored?.SinkStates.GetValueOrDefault(operatorId) ?? []);

    /// <summary>Keeps an acknowledgement in flight until it ends, so a cancelled subtask can wait for its writes to settle.</summary>
    private void Track(Task acknowledgement)
    {
        _acknowledging.Add(acknowledgement);
        _ = ForgetAsync();

        async Task ForgetAsync()
        {
            try
            {
                await acknowledgement;
            }
            finally
            {
                _acknowledging.Remove(acknowledgement);
            }
        }
    }

    /// <summary>Waits for the keyed state to be durable, then acknowledges; declines what fails. Never throws.</summary>
    private async Task AcknowledgeAsync(
        long checkpointId,
        Task<KeyedCheckpoint>? keyedWrite,
        SegmentRef? materializing,
        long? sourcePosition,
        Dictionary<int, long> watermarks,
        Dictionary<int, byte[]> sinkStates)
    {
        KeyedCheckpoint? keyed = null;
        try
        {
            keyed = keyedWrite is null ? null : await keyedWrite;
        }
        catch (Exception e) when (!IsCancelled)
        {
            Log.SnapshotWriteFailed(_logger, e, _taskKey, checkpointId);
            await DeclineAsync(checkpointId, DeclineKind.SnapshotFailed, $"the keyed state of {_taskName} subtask {_address.Subtask} could not be written: {e.Message}");
            return;
        }
        catch (Exception)
        {
            // Cancelled: the write was cut short; what it left is deleted below.
        }

        if (IsCancelled)
        {
            // No acknowledgement will name the delta: it goes with the attempt.
            if (keyedWrite is not null && _keyed is { } snapshots)
            {
                try
                {
                    await snapshots.DiscardAsync(checkpointId, _address.Attempt);
                }
                catch (Exception e)
                {
                    Log.SnapshotDiscardFailed(_logger, e, _taskKey, checkpointId);
                }
            }

            return;
        }

        try
        {
            var snapshot = new TaskSnapshot(
                sourcePosition, watermarks, sinkStates, keyed?.Written.Bytes ?? 0, keyed?.Written.Entries ?? 0, keyed is null ? null : [.. keyed.Chain], materializing);
            await _responder.AcknowledgeAsync(checkpointId, snapshot, CancellationToken.None);
        }
        catch (Exception) when (IsCancelled)
        {
        }
        catch (Exception e)
        {
            Log.CheckpointAcknowledgeFailed(_logger, e, _taskKey, checkpointId);
            await DeclineAsync(checkpointId, DeclineKind.SnapshotFailed, $"{_taskName} subtask {_address.Subtask} could not acknowledge: {e.Message}");
        }
    }
}
