using OrleansFlow.Jobs;

namespace OrleansFlow.Checkpointing;

/// <summary>
/// Barrier handling for a task with one or more input channels, after Flink's SingleCheckpointBarrierHandler
/// (exactly-once) and CheckpointBarrierTracker (at-least-once). Each event returns a <see cref="BarrierDecision"/>.
/// <list type="bullet">
/// <item>Exactly-once: one checkpoint aligns at a time. A channel that delivered the barrier is blocked until the
/// barrier arrived on every open channel; then the task snapshots, forwards the barrier and unblocks them. A barrier
/// of a newer checkpoint aborts (subsumes) the one aligning.</item>
/// <item>At-least-once: nothing is blocked and several checkpoints may be in progress; the task snapshots when a
/// checkpoint's last barrier arrives, which subsumes older incomplete ones.</item>
/// </list>
/// In both modes a cancellation marker aborts its checkpoint (and older ones), a channel's end of input counts as
/// its barrier for every checkpoint in progress and is not waited for by later ones, and a barrier or marker whose
/// checkpoint is no newer than the latest one seen and not in progress is obsolete and ignored. Ids are assumed to
/// increase, as <see cref="CheckpointIdCounter"/> hands them out.
/// </summary>
internal sealed class BarrierAligner
{
    /// <summary>How many checkpoints the at-least-once mode tracks at most (Flink's MAX_CHECKPOINTS_TO_TRACK).</summary>
    public const int MaxTrackedCheckpoints = 50;

    private readonly HashSet<(int Vertex, int Subtask)> _channels;
    private readonly HashSet<(int Vertex, int Subtask)> _open;
    private readonly HashSet<(int Vertex, int Subtask)> _blocked = [];
    private readonly List<Alignment> _inProgress = [];
    private readonly TimeProvider _time;

    /// <summary>Creates an aligner for the given input channels (sending vertex and subtask; at least one).</summary>
    public BarrierAligner(IEnumerable<(int Vertex, int Subtask)> channels, CheckpointingMode mode, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(channels);
        ArgumentNullException.ThrowIfNull(time);
        _channels = [.. channels];
        if (_channels.Count == 0)
        {
            throw new ArgumentException("A barrier aligner needs at least one input channel.", nameof(channels));
        }

        _open = [.. _channels];
        Mode = mode;
        _time = time;
    }

    /// <summary>Exactly-once (aligned) or at-least-once.</summary>
    public CheckpointingMode Mode { get; }

    /// <summary>The channels whose input must not be processed now (records behind an early barrier wait).</summary>
    public IReadOnlyCollection<(int Vertex, int Subtask)> BlockedChannels => _blocked;

    /// <summary>The channels that have not ended.</summary>
    public IReadOnlyCollection<(int Vertex, int Subtask)> OpenChannels => _open;

    /// <summary>The ids of the checkpoints whose barriers are being collected, oldest first.</summary>
    public IReadOnlyList<long> InProgressCheckpointIds => [.. _inProgress.Select(a => a.CheckpointId)];

    /// <summary>The largest checkpoint id a barrier or cancellation marker has carried so far (0 before any).</summary>
    public long LatestCheckpointId { get; private set; }

    /// <summary>Whether the channel's input must not be processed now.</summary>
    public bool IsBlocked((int Vertex, int Subtask) channel) => _blocked.Contains(channel);

    /// <summary>A channel delivered the barrier of a checkpoint.</summary>
    /// <exception cref="InvalidOperationException">
    /// The channel is not an input, has ended, is blocked, or delivered this checkpoint's barrier twice.
    /// </exception>
    public BarrierDecision OnBarrier((int Vertex, int Subtask) channel, long checkpointId)
    {
        RequireOpen(channel, "a barrier");
        if (_blocked.Contains(channel))
        {
            throw new InvalidOperationException(
                $"Channel from vertex {channel.Vertex} subtask {channel.Subtask} delivered barrier {checkpointId} while blocked: a blocked channel's input must wait.");
        }

        var aborted = new List<AbortedCheckpoint>();
        var unblocked = new List<(int Vertex, int Subtask)>();
        var alignment = _inProgress.Find(a => a.CheckpointId == checkpointId);
        if (alignment is null)
        {
            if (checkpointId <= LatestCheckpointId)
            {
                return BarrierDecision.Obsolete;
            }

            LatestCheckpointId = checkpointId;
            if (Mode == CheckpointingMode.ExactlyOnce)
            {
                AbortOlderThan(checkpointId, aborted, unblocked);
            }

            alignment = new Alignment(checkpointId, _open, _time.GetTimestamp());
            _inProgress.Add(alignment);
            if (_inProgress.Count > MaxTrackedCheckpoints)
            {
                aborted.Add(new AbortedCheckpoint(_inProgress[0].CheckpointId, CheckpointFailureReason.Subsumed));
                _inProgress.RemoveAt(0);
            }
        }
        else if (!alignment.Waiting.Contains(channel))
        {
            throw new InvalidOperationException(
                $"Channel from vertex {channel.Vertex} subtask {channel.Subtask} delivered barrier {checkpointId} twice.");
        }

        alignment.Waiting.Remove(channel);
        if (alignment.Waiting.Count == 0)
        {
            return Complete(alignment, aborted, unblocked);
        }

        (int Vertex, int Subtask)? blocked = null;
        if (Mode == CheckpointingMode.ExactlyOnce)
        {
            _blocked.Add(channel);
            blocked = channel;
        }

        return new BarrierDecision { Aborted = aborted, UnblockedChannels = unblocked, BlockedChannel = blocked };
    }

    /// <summary>
    /// A channel delivered a cancellation marker (Flink's CancelCheckpointMarker): the checkpoint is aborted here, with
    /// any older one in progress, and blocked channels resume. A marker for a checkpoint not seen yet also makes its
    /// later barriers obsolete.
    /// </summary>
    /// <exception cref="InvalidOperationException">The channel is not an input or has ended.</exception>
    public BarrierDecision OnCancellationMarker((int Vertex, int Subtask) channel, long checkpointId)
    {
        RequireOpen(channel, "a cancellation marker");
        var inProgress = _inProgress.Exists(a => a.CheckpointId == checkpointId);
        if (!inProgress && checkpointId <= LatestCheckpointId)
        {
            return BarrierDecision.Obsolete;
        }

        LatestCheckpointId = Math.Max(LatestCheckpointId, checkpointId);
        var aborted = new List<AbortedCheckpoint>();
        var unblocked = new List<(int Vertex, int Subtask)>();
        AbortOlderThan(checkpointId, aborted, unblocked);
        _inProgress.RemoveAll(a => a.CheckpointId == checkpointId);
        aborted.Add(new AbortedCheckpoint(checkpointId, CheckpointFailureReason.CancellationMarker));
        if (Mode == CheckpointingMode.ExactlyOnce)
        {
            unblocked.AddRange(_blocked);
            _blocked.Clear();
        }

        return new BarrierDecision { Aborted = aborted, UnblockedChannels = unblocked };
    }

    /// <summary>
    /// A channel ended: it counts as having delivered the barrier of every checkpoint in progress, and later
    /// checkpoints do not wait for it. If that completes a checkpoint, the newest one completed is snapshotted.
    /// A second end of the same channel changes nothing.
    /// </summary>
    /// <exception cref="InvalidOperationException">The channel is not an input.</exception>
    public BarrierDecision OnEndOfInput((int Vertex, int Subtask) channel)
    {
        RequireKnown(channel);
        if (!_open.Remove(channel))
        {
            return BarrierDecision.None;
        }

        var unblocked = new List<(int Vertex, int Subtask)>();
        if (_blocked.Remove(channel))
        {
            unblocked.Add(channel);
        }

        foreach (var alignment in _inProgress)
        {
            alignment.Waiting.Remove(channel);
        }

        var completed = _inProgress.LastOrDefault(a => a.Waiting.Count == 0);
        return completed is null
            ? new BarrierDecision { UnblockedChannels = unblocked }
            : Complete(completed, [], unblocked);
    }

    private BarrierDecision Complete(Alignment alignment, List<AbortedCheckpoint> aborted, List<(int Vertex, int Subtask)> unblocked)
    {
        AbortOlderThan(alignment.CheckpointId, aborted, unblocked);
        _inProgress.Remove(alignment);
        unblocked.AddRange(_blocked);
        _blocked.Clear();
        return new BarrierDecision
        {
            SnapshotCheckpointId = alignment.CheckpointId,
            AlignmentDuration = _time.GetElapsedTime(alignment.StartTimestamp),
            Aborted = aborted,
            UnblockedChannels = unblocked,
        };
    }

    /// <summary>Aborts (as subsumed) every checkpoint in progress older than the given id; in exactly-once mode their blocked channels resume.</summary>
    private void AbortOlderThan(long checkpointId, List<AbortedCheckpoint> aborted, List<(int Vertex, int Subtask)> unblocked)
    {
        var older = _inProgress.FindAll(a => a.CheckpointId < checkpointId);
        if (older.Count == 0)
        {
            return;
        }

        foreach (var alignment in older)
        {
            aborted.Add(new AbortedCheckpoint(alignment.CheckpointId, CheckpointFailureReason.Subsumed));
            _inProgress.Remove(alignment);
        }

        // In exactly-once mode every blocked channel belongs to the (single) older alignment.
        unblocked.AddRange(_blocked);
        _blocked.Clear();
    }

    private void RequireKnown((int Vertex, int Subtask) channel)
    {
        if (!_channels.Contains(channel))
        {
            throw new InvalidOperationException($"Vertex {channel.Vertex} subtask {channel.Subtask} is not an input channel of this task.");
        }
    }

    private void RequireOpen((int Vertex, int Subtask) channel, string what)
    {
        RequireKnown(channel);
        if (!_open.Contains(channel))
        {
            throw new InvalidOperationException($"Channel from vertex {channel.Vertex} subtask {channel.Subtask} delivered {what} after its end of input.");
        }
    }

    /// <summary>One checkpoint whose barriers are being collected.</summary>
    private sealed class Alignment(long checkpointId, IEnumerable<(int Vertex, int Subtask)> openChannels, long startTimestamp)
    {
        public long CheckpointId { get; } = checkpointId;

        /// <summary>The open channels whose barrier has not arrived yet.</summary>
        public HashSet<(int Vertex, int Subtask)> Waiting { get; } = [.. openChannels];

        public long StartTimestamp { get; } = startTimestamp;
    }
}
