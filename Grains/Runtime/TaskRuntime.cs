using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Orleans.Streams;
using OrleansFlow.Checkpointing;
using OrleansFlow.Checkpointing.Segments;
using OrleansFlow.Checkpoints;
using OrleansFlow.Diagnostics;
using OrleansFlow.Execution;
using OrleansFlow.Graph;
using OrleansFlow.Jobs;
using OrleansFlow.Keyed;
using OrleansFlow.Messages;
using OrleansFlow.Metrics;
using OrleansFlow.Operators;
using OrleansFlow.Sinks;
using OrleansFlow.Sources;

namespace OrleansFlow.Runtime;

/// <summary>
/// Runs one subtask: the chain, its input bookkeeping and watermark valve, its output channels and, for a keyed
/// head, the dispatcher to per-key grains. Control markers take effect exactly between the records around them.
/// Every input batch is processed (or, for a keyed head, gathered) before its credit goes back to the sender, which
/// is what propagates back-pressure upstream. Output flushes never overlap, so each channel's sends stay in sequence.
/// <para>
/// Checkpoints: a source injects barrier n between two batches, after recording its position. A task with inputs
/// aligns barrier n (exactly-once: input behind an early barrier is held, with its credit, until every open input
/// delivered the barrier), then snapshots: it sends its gathered keyed input to the per-key grains, has the changed
/// keys copy their state, seals its sinks' pending output, forwards the barrier, and acknowledges to the coordinator
/// once its snapshot segment is durable, while it already processes the input after the barrier. Everything that
/// touches the chain runs one turn at a time (<see cref="_turn"/>), so a snapshot sees exactly the records before
/// its barrier.
/// </para>
/// </summary>
internal sealed class TaskRuntime : IAsyncDisposable
{
    private readonly IGrainFactory _grains;
    private readonly TimeProvider _time;
    private readonly JobGraph _graph;
    private readonly VertexPlan _vertex;
    private readonly TaskChain _chain;
    private readonly OutputGate _outputs;
    private readonly InputTracker _inputs;
    private readonly WatermarkValve _valve;
    private readonly Dictionary<int, IBatchPusher> _pushers = [];
    private readonly KeyedDispatcher? _keyed;
    private readonly CancellationTokenSource _cancellation = new();
    private readonly SemaphoreSlim _flushLock = new(1, 1);
    private readonly Func<Exception, Task> _onBackgroundFailure;
    private readonly Func<ChannelBatch, bool, Task> _onBatchDone;
    private readonly Func<CancellationToken, Task> _reportFinished;
    private readonly SemaphoreSlim _turn = new(1, 1);
    private readonly CheckpointSettings _checkpointing;
    private readonly long _restoredCheckpointId;
    private readonly TaskSnapshot? _restored;
    private readonly SegmentStore? _segments;
    private readonly HashSet<Task> _acknowledging = [];
    private readonly BarrierAligner? _aligner;
    private readonly Dictionary<(int Vertex, int Subtask), LinkedList<HeldInput>> _held = [];
    private ISourceDriver? _sourceDriver;
    private long _requestedBarrier;
    private long _lastCompleted;
    private Task _inflight = Task.CompletedTask;
    private long _lastPeriodicEmit;
    private bool _idle;
    private bool _finished;
    private long _recordsIn;
    private readonly TagList _tags;

    /// <summary>
    /// Builds the subtask of a job attempt, restored from <paramref name="restored"/> (its record of checkpoint
    /// <paramref name="restoredCheckpointId"/>, which the attempt resumes from, if any; a keyed head reads its state with
    /// <see cref="RestoreKeyedStateAsync"/>). <paramref name="segments"/> stores keyed snapshot segments (needed when
    /// checkpointing is on or state is restored). <paramref name="onBackgroundFailure"/>
    /// hears of a failed background flush; <paramref name="onBatchDone"/> is called once an input batch has been fully
    /// processed (with whether its sender gets the credit back); <paramref name="reportFinished"/> tells the job manager
    /// that the subtask has finished (and must not give up early: a lost report leaves the job waiting).
    /// </summary>
    public TaskRuntime(
        IGrainFactory grains,
        IStreamProvider streams,
        TimeProvider time,
        JobGraph graph,
        TaskAddress address,
        long restoredCheckpointId,
        TaskSnapshot? restored,
        SegmentStore? segments,
        Func<Exception, Task> onBackgroundFailure,
        Func<ChannelBatch, bool, Task> onBatchDone,
        Func<CancellationToken, Task> reportFinished,
        Action<Exception> onMaterializationFailed,
        ILogger logger)
    {
        _grains = grains;
        _time = time;
        _graph = graph;
        _onBackgroundFailure = onBackgroundFailure;
        _onBatchDone = onBatchDone;
        _reportFinished = reportFinished;
        _restoredCheckpointId = restoredCheckpointId;
        _restored = restored;
        _segments = segments;
        _lastCompleted = restoredCheckpointId;
        _checkpointing = graph.Submission.Checkpointing ?? CheckpointSettings.Disabled;
        Address = address;
        _tags = FlowMeter.Tags(address.JobId, address.VertexId, address.Subtask);
        _vertex = graph.Plan.Vertex(address.VertexId);
        var settings = graph.Submission.Settings;
        _chain = TaskChain.Build(graph, _vertex, address, time, SinkContextFor);
        _outputs = new OutputGate(address, settings.ChannelCredits, settings.BatchSize, streams, graph.Plan, _chain.Outputs, time);
        _inputs = new InputTracker(graph.Plan, address.VertexId, address.Subtask);
        _valve = new WatermarkValve(_inputs.Channels);
        if (_chain.Head is IKeyedTransformation keyed)
        {
            var keys = new KeyTable();
            _keyed = new KeyedDispatcher(
                grains, address, _chain.Head.Id, _chain.Head.Name, keyed.CreateSplitter(),
                _chain.Head.CreatePusher(_chain.Collector, _chain.Context), _chain.SideOutputs, _chain.Collector, time, keys, logger)
            {
                Snapshots = _checkpointing.IsEnabled
                    ? new KeyedSnapshots(keys, segments ?? throw new InvalidOperationException("Checkpointing needs snapshot segment storage."),
                        new SegmentChain(restored?.KeyedState ?? [], restoredCheckpointId, TimeSpan.FromMilliseconds(_checkpointing.MaterializationIntervalMs), time),
                        address, _chain.Head.Id, onMaterializationFailed)
                    : null,
            };
        }
        else if (_chain.Head is not ISourceTransformation)
        {
            foreach (var edge in graph.Plan.InputsOf(address.VertexId))
            {
                _pushers[OutputGate.InputIndexOf(graph.Plan, edge)] = graph.Operator(edge.SourceOperatorId).CreatePusher(_chain.Collector, _chain.Context);
            }
        }

        if (_chain.Head is not ISourceTransformation && _checkpointing.IsEnabled && _inputs.Channels.Any())
        {
            _aligner = new BarrierAligner(_inputs.Channels, _checkpointing.Mode, time);
        }

        foreach (var (operatorId, watermark) in restored?.Watermarks ?? [])
        {
            if (_chain.Assigners.TryGetValue(operatorId, out var assigner))
            {
                assigner.RestoreWatermark(watermark);
            }
        }

        _lastPeriodicEmit = time.GetTimestamp();
    }

    public TaskAddress Address { get; }

    public string Name => _vertex.Name;

    public bool IsSource => _chain.Head is ISourceTransformation;

    public bool IsCancelled => _cancellation.IsCancellationRequested;

    /// <summary>The earliest processing-time timer of a keyed head, for the grain to schedule.</summary>
    public long? NextProcessingTimer => _keyed?.NextProcessingTimer;

    /// <summary>Whether operators of the chain generate watermarks periodically (the grain then runs a timer).</summary>
    public bool HasPeriodicEmitters => _chain.PeriodicEmitters.Count > 0;

    /// <summary>How often periodic watermark generators run.</summary>
    public TimeSpan AutoWatermarkInterval => TimeSpan.FromMilliseconds(_graph.Submission.Settings.AutoWatermarkIntervalMs);

    /// <summary>Longest a gathered record waits before it is sent on (the job's buffer timeout).</summary>
    public int BufferTimeoutMs => _graph.Submission.Settings.BufferTimeoutMs;

    /// <summary>Whether a keyed head holds gathered records not yet sent to its per-key grains.</summary>
    public bool HasBufferedInput => _keyed is { Buffered: > 0 } && !_finished && !IsCancelled;

    /// <summary>
    /// Handles one input batch; <c>onBatchDone</c> hears when it has been processed, which for input held behind a
    /// barrier is later.
    /// </summary>
    public async Task OnBatchAsync(ChannelBatch batch)
    {
        if (IsCancelled || _finished)
        {
            await _onBatchDone(batch, false);
            return;
        }

        await _turn.WaitAsync();
        try
        {
            _inputs.Accept(batch);
            if (batch.Records is Array records)
            {
                _recordsIn += records.Length;
                FlowMeter.AddRecordsIn(records.Length, _tags);
            }

            var channel = (batch.SenderVertex, batch.SenderSubtask);
            var input = new HeldInput(batch, 0, 0);
            if (IsHeld(channel))
            {
                Held(channel).AddLast(input);
                return;
            }

            var unblocked = new Queue<(int Vertex, int Subtask)>();
            var remainder = await ProcessAsync(channel, input, unblocked);
            if (remainder is { } rest)
            {
                Held(channel).AddFirst(rest);
            }

            await DrainUnblockedAsync(unblocked);
        }
        finally
        {
            _turn.Release();
        }
    }

    /// <summary>The subtask's counters (see <see cref="TaskMetrics"/>).</summary>
    public TaskMetrics Metrics(string silo)
    {
        long? watermark = _chain.Assigners.Count > 0
            ? _chain.Assigners.Values.Max(a => a.CurrentWatermark)
            : _valve.Watermark;
        return new TaskMetrics(
            Address.VertexId, Address.Subtask, _recordsIn, _outputs.RecordsOut, watermark == long.MinValue ? null : watermark,
            (long)_outputs.BackPressured.TotalMilliseconds, _outputs.BatchesInFlight, _held.Values.Sum(h => h.Count), _finished, silo,
            _keyed?.Keys.Count ?? 0, _keyed?.Keys.Resident ?? 0, _keyed?.Passivations ?? 0, _sourceDriver?.Position);
    }

    /// <summary>Asks a source to inject the barrier of a checkpoint before its next batch. False if it cannot (it finished).</summary>
    public bool RequestCheckpoint(long checkpointId)
    {
        if (!IsSource || _finished || IsCancelled)
        {
            return false;
        }

        _requestedBarrier = Math.Max(_requestedBarrier, checkpointId);
        return true;
    }

    /// <summary>A checkpoint completed: two-phase-commit sinks make what they sealed for it visible.</summary>
    /// <param name="checkpointId">The checkpoint.</param>
    /// <param name="keyedState">The segment chain the completed checkpoint names for this subtask, if the coordinator says.</param>
    public async Task CommitAsync(long checkpointId, IReadOnlyList<SegmentRef>? keyedState = null)
    {
        if (IsCancelled)
        {
            return;
        }

        await _turn.WaitAsync();
        try
        {
            if (checkpointId != CheckpointIds.EndOfInput)
            {
                _lastCompleted = Math.Max(_lastCompleted, checkpointId);
                _keyed?.Snapshots?.OnCompleted(checkpointId, keyedState);
            }

            await _flushLock.WaitAsync();
            try
            {
                foreach (var sink in _chain.Sinks)
                {
                    await sink.CommitAsync(checkpointId, _cancellation.Token);
                }
            }
            finally
            {
                _flushLock.Release();
            }
        }
        finally
        {
            _turn.Release();
        }
    }

    /// <summary>Runs a source subtask until its input ends or it is cancelled.</summary>
    public async Task RunSourceAsync()
    {
        var source = (ISourceTransformation)_chain.Head;
        var settings = _graph.Submission.Settings;
        var ct = _cancellation.Token;
        using var driver = source.CreateDriver(_chain.Collector, new SourceReaderContext(Address.Subtask, _vertex.Parallelism, StartPosition: _restored?.SourcePosition), _chain.Context);
        _sourceDriver = driver;
        var limiter = source.RatePerSecond is { } rate ? new RateLimiter(rate, settings, _time) : null;
        while (!ct.IsCancellationRequested)
        {
            int count;
            bool more;
            await _turn.WaitAsync(ct);
            try
            {
                await InjectRequestedBarrierAsync(ct);
                (count, more) = await driver.RunBatchAsync(limiter?.BatchSize ?? settings.BatchSize, ct);
                _recordsIn += count;
                FlowMeter.AddRecordsIn(count, _tags);
                EmitPeriodicIfDue();
                await FlushOutputsAsync(ct);
            }
            finally
            {
                _turn.Release();
            }

            if (!more)
            {
                break;
            }

            if (limiter is not null)
            {
                await limiter.WaitAsync(count, ct);
            }

            // A chain that ends in a local sink may never await anything truly asynchronous; let other calls in.
            await Task.Yield();
        }

        if (!ct.IsCancellationRequested)
        {
            await _turn.WaitAsync(ct);
            try
            {
                await InjectRequestedBarrierAsync(ct); // a barrier requested before the end still precedes it
                await FinishAsync();
            }
            finally
            {
                _turn.Release();
            }
        }
    }

    /// <summary>Runs periodic watermark generators and sends what they emit (called by the grain's timer).</summary>
    public async Task EmitPeriodicAsync()
    {
        if (IsCancelled || _finished)
        {
            return;
        }

        await _turn.WaitAsync();
        try
        {
            EmitPeriodicIfDue(force: true);
            await FlushOutputsAsync(_cancellation.Token);
        }
        finally
        {
            _turn.Release();
        }
    }

    /// <summary>Fires due processing-time timers of a keyed head and sends what they emit.</summary>
    public async Task FireProcessingTimersAsync()
    {
        if (_keyed is null || IsCancelled || _finished)
        {
            return;
        }

        await _turn.WaitAsync();
        try
        {
            await _inflight;
            await _keyed.FireProcessingTimersAsync(_cancellation.Token);
            await FlushOutputsAsync(_cancellation.Token);
        }
        finally
        {
            _turn.Release();
        }
    }

    /// <summary>Sends gathered keyed input now (the input went quiet before the buffer filled).</summary>
    public async Task FlushBufferedInputAsync()
    {
        await _turn.WaitAsync();
        try
        {
            if (HasBufferedInput)
            {
                await FlushAsync(_cancellation.Token);
            }
        }
        finally
        {
            _turn.Release();
        }
    }

    /// <summary>
    /// A keyed head restored from a checkpoint reads its keys from the checkpoint's snapshot segments (a few large
    /// reads, oldest first); their grains get their state as seeds with their first calls.
    /// </summary>
    public async Task RestoreKeyedStateAsync(CancellationToken cancellationToken)
    {
        if (_keyed is null || _restored?.KeyedState is not { Count: > 0 } chain)
        {
            return;
        }

        var store = _segments ?? throw new InvalidOperationException("Restoring keyed state needs snapshot segment storage.");
        var segments = await Task.WhenAll(chain.Select(s => store.ReadAsync(s, cancellationToken)));
        _keyed.Restore(segments.SelectMany(items => items).Select(i => (i.KeyText, i.Key, i.Image)));
    }

    /// <summary>Stops a full snapshot segment still being written and deletes what it wrote (nothing names it).</summary>
    public Task AbandonMaterializationAsync() => _keyed?.Snapshots?.AbandonMaterializationAsync() ?? Task.CompletedTask;

    /// <summary>
    /// A cancelled subtask's snapshot writes settle: a full segment still being written is stopped and deleted, and
    /// the deltas of checkpoints it will not acknowledge are deleted, so its attempt leaves nothing behind.
    /// </summary>
    public async Task SettleCancelledWritesAsync()
    {
        await AbandonMaterializationAsync();
        await Task.WhenAll(_acknowledging.ToList());
    }

    /// <summary>Whether the head is keyed (it has per-key grains, which it may passivate).</summary>
    public bool HasKeys => _keyed is not null;

    /// <summary>How long a key may go without calls before it is passivated, or null for never.</summary>
    public TimeSpan? IdleKeyPassivation => _graph.Submission.Settings.IdleKeyPassivationMs is > 0 and var ms ? TimeSpan.FromMilliseconds(ms) : null;

    /// <summary>Keys whose grains hold live state.</summary>
    public int ResidentKeys => _keyed?.Keys.Resident ?? 0;

    /// <summary>Passivates the keys of a keyed head that have not been called for <paramref name="idle"/>; returns how many.</summary>
    public async Task<int> PassivateIdleKeysAsync(TimeSpan idle)
    {
        if (_keyed is null || IsCancelled || _finished)
        {
            return 0;
        }

        await _turn.WaitAsync();
        try
        {
            await _inflight;
            return await _keyed.PassivateIdleAsync(idle, _cancellation.Token);
        }
        finally
        {
            _turn.Release();
        }
    }

    /// <summary>The state copy a keyed head holds for a key (for a query of a passivated key), or null.</summary>
    public byte[]? KeyImage(string keyText) => _keyed?.ImageOf(keyText);

    /// <summary>The output channels: credit grants, probes and replays of the channel protocol go to them.</summary>
    public OutputGate Outputs => _outputs;

    public void Cancel()
    {
        _cancellation.Cancel();
        _outputs.Cancel();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var sink in _chain.Sinks)
        {
            await sink.DisposeAsync();
        }

        _cancellation.Dispose();
        _flushLock.Dispose();
        _turn.Dispose();
    }

    /// <summary>Turns an exception into the job failure it reports.</summary>
    public JobFailure DescribeFailure(Exception exception)
    {
        var root = exception is UserFunctionException { InnerException: { } inner } ? inner : exception;
        var operatorName = exception is UserFunctionException { OperatorName.Length: > 0 } user ? user.OperatorName : _vertex.Name;
        return new JobFailure(operatorName, Address.Subtask, exception.Message, root.GetType().Name);
    }

    private void Push(ChannelBatch batch, int start, int end)
    {
        if (end <= start)
        {
            return;
        }

        if (_keyed is not null)
        {
            _keyed.Buffer(batch.Records!, batch.Timestamps, start, end);
            return;
        }

        _pushers[batch.InputIndex].Push(batch.Records!, batch.Timestamps, start, end, i => DescribeInput(batch, i));
    }

    /// <summary>A new combined input watermark goes to the per-key grains (keyed head) or through the chain.</summary>
    private void Forward(long? watermark)
    {
        if (watermark is not { } value)
        {
            return;
        }

        if (_keyed is not null)
        {
            _keyed.BufferWatermark(value);
        }
        else
        {
            ChainElements.ForwardWatermark(_chain.Collector, value);
        }
    }

    private void ForwardIdle(bool idle)
    {
        if (idle != _idle)
        {
            _idle = idle;
            ChainElements.ForwardIdle(_chain.Collector, idle);
        }
    }

    private void EmitPeriodicIfDue(bool force = false)
    {
        if (_chain.PeriodicEmitters.Count == 0 || (!force && _time.GetElapsedTime(_lastPeriodicEmit) < AutoWatermarkInterval))
        {
            return;
        }

        _lastPeriodicEmit = _time.GetTimestamp();
        foreach (var emitter in _chain.PeriodicEmitters)
        {
            emitter.EmitPeriodic();
        }
    }

    /// <summary>
    /// Processes a batch from <paramref name="input"/>'s marker onwards. Returns the rest of the batch when a barrier
    /// blocked its channel (it waits, without its credit, until alignment ends); channels the markers unblocked are
    /// added to <paramref name="unblocked"/>.
    /// </summary>
    private async Task<HeldInput?> ProcessAsync((int Vertex, int Subtask) channel, HeldInput input, Queue<(int Vertex, int Subtask)> unblocked)
    {
        var batch = input.Batch;
        var ct = _cancellation.Token;
        var markers = batch.Markers ?? [];
        var position = input.Position;
        var endedAll = false;
        var endsChannel = false;
        for (var m = input.MarkerIndex; m < markers.Length; m++)
        {
            var marker = markers[m];
            Push(batch, position, marker.Position);
            position = marker.Position;
            switch (marker.Kind)
            {
                case MarkerKind.Watermark:
                    Forward(_valve.OnWatermark(channel, marker.Value));
                    break;
                case MarkerKind.WatermarkStatus:
                    Forward(_valve.OnIdleChanged(channel, marker.Value != 0));
                    ForwardIdle(_valve.AllIdle);
                    break;
                case MarkerKind.EndOfInput:
                    endsChannel = true;
                    endedAll = _inputs.End(batch.SenderVertex, batch.SenderSubtask);
                    Forward(_valve.OnEnded(channel));
                    if (_aligner is not null)
                    {
                        await ApplyAsync(_aligner.OnEndOfInput(channel), unblocked);
                    }

                    break;
                case MarkerKind.CheckpointBarrier when _aligner is not null:
                    var decision = _aligner.OnBarrier(channel, marker.Value);
                    await ApplyAsync(decision, unblocked);
                    if (decision.BlockedChannel == channel)
                    {
                        return new HeldInput(batch, m + 1, position);
                    }

                    break;
            }
        }

        Push(batch, position, batch.Count);
        EmitPeriodicIfDue();
        if (_keyed is null)
        {
            await FlushAsync(ct);
        }
        else if (_keyed.Buffered >= _graph.Submission.Settings.KeyedBufferSize)
        {
            await StartBackgroundFlushAsync(ct);
        }

        if (endedAll)
        {
            await FinishAsync();
        }

        await _onBatchDone(batch, !endsChannel);
        return null;
    }

    /// <summary>Processes held input of channels that alignment released, each channel in order, until none is left or all block again.</summary>
    private async Task DrainUnblockedAsync(Queue<(int Vertex, int Subtask)> unblocked)
    {
        while (unblocked.TryDequeue(out var channel))
        {
            var held = Held(channel);
            while (held.First is { } first && _aligner?.IsBlocked(channel) != true && !IsCancelled)
            {
                held.RemoveFirst();
                if (await ProcessAsync(channel, first.Value, unblocked) is { } rest)
                {
                    held.AddFirst(rest);
                    break;
                }
            }
        }
    }

    /// <summary>Carries out an aligner decision: declines aborted checkpoints, snapshots a completed alignment, notes released channels.</summary>
    private async Task ApplyAsync(BarrierDecision decision, Queue<(int Vertex, int Subtask)> unblocked)
    {
        foreach (var aborted in decision.Aborted)
        {
            var kind = aborted.Reason == CheckpointFailureReason.Subsumed ? DeclineKind.Subsumed : DeclineKind.CancellationMarker;
            _ = DeclineAsync(aborted.CheckpointId, kind, $"aborted at {_vertex.Name} subtask {Address.Subtask}: {aborted.Reason}");
        }

        if (decision.SnapshotCheckpointId is { } checkpointId)
        {
            await SnapshotAsync(checkpointId, sourcePosition: null);
        }

        foreach (var channel in decision.UnblockedChannels)
        {
            unblocked.Enqueue(channel);
        }
    }

    private bool IsHeld((int Vertex, int Subtask) channel) =>
        _aligner?.IsBlocked(channel) == true || (_held.TryGetValue(channel, out var held) && held.Count > 0);

    private LinkedList<HeldInput> Held((int Vertex, int Subtask) channel)
    {
        if (!_held.TryGetValue(channel, out var held))
        {
            held = new LinkedList<HeldInput>();
            _held[channel] = held;
        }

        return held;
    }

    /// <summary>A source injects the latest requested barrier (called between batches, inside the turn).</summary>
    private async Task InjectRequestedBarrierAsync(CancellationToken ct)
    {
        if (_requestedBarrier == 0)
        {
            return;
        }

        var checkpointId = _requestedBarrier;
        _requestedBarrier = 0;
        ct.ThrowIfCancellationRequested();
        await SnapshotAsync(checkpointId, _sourceDriver!.Position);
    }

    /// <summary>
    /// Takes this subtask's part of a checkpoint, with every record before the barrier processed: per-key copies of
    /// changed keys (copies the subtask already holds), watermarks, sealed sink output; then forwards the barrier and
    /// acknowledges in the background once its snapshot segment is durable.
    /// </summary>
    private async Task SnapshotAsync(long checkpointId, long? sourcePosition)
    {
        var ct = _cancellation.Token;
        await _inflight;
        await FlushCoreAsync(ct);
        var (keyed, materializing) = _keyed?.Snapshots is { } snapshots
            ? snapshots.Capture(checkpointId, Address.Attempt, ct)
            : (null, null);
        var sinkStates = new Dictionary<int, byte[]>();
        await _flushLock.WaitAsync(ct);
        try
        {
            foreach (var (operatorId, sink) in _chain.SinksById)
            {
                if (await sink.PrepareCommitAsync(checkpointId, ct) is { } state)
                {
                    sinkStates[operatorId] = state;
                }
            }
        }
        finally
        {
            _flushLock.Release();
        }

        var watermarks = _chain.Assigners.ToDictionary(a => a.Key, a => a.Value.CurrentWatermark);
        await _outputs.BroadcastMarkerAsync(MarkerKind.CheckpointBarrier, checkpointId, ct);
        Track(AcknowledgeAsync(checkpointId, keyed, materializing, sourcePosition, watermarks, sinkStates));
    }

    /// <summary>Keeps an acknowledgement in flight until it ends, so a cancelled subtask can wait for its writes to settle.</summary>
    private void Track(Task acknowledgement)
    {
        _acknowledging.Add(acknowledgement);
        _ = ForgetAsync();

        async Task ForgetAsync()
        {
            await acknowledgement;
            _acknowledging.Remove(acknowledgement);
        }
    }

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
            await DeclineAsync(checkpointId, DeclineKind.SnapshotFailed, $"the keyed state of {_vertex.Name} subtask {Address.Subtask} could not be written: {e.Message}");
            return;
        }
        catch (Exception)
        {
        }

        if (IsCancelled)
        {
            // No acknowledgement will name the delta: it goes with the attempt.
            if (keyedWrite is not null && _keyed?.Snapshots is { } snapshots)
            {
                await snapshots.DiscardAsync(checkpointId, Address.Attempt);
            }

            return;
        }

        try
        {
            var snapshot = new TaskSnapshot(
                sourcePosition, watermarks, sinkStates, keyed?.Written.Bytes ?? 0, keyed?.Written.Entries ?? 0, keyed is null ? null : [.. keyed.Chain], materializing);
            await Coordinator.AcknowledgeAsync(checkpointId, Address.VertexId, Address.Subtask, Address.Attempt, snapshot, CancellationToken.None);
        }
        catch (Exception) when (IsCancelled)
        {
        }
        catch (Exception e)
        {
            await DeclineAsync(checkpointId, DeclineKind.SnapshotFailed, $"{_vertex.Name} subtask {Address.Subtask} could not acknowledge: {e.Message}");
        }
    }

    /// <summary>Tells the coordinator this subtask cannot complete a checkpoint (best effort: a lost decline ends as a timeout).</summary>
    public async Task DeclineAsync(long checkpointId, DeclineKind kind, string reason)
    {
        try
        {
            await Coordinator.DeclineAsync(checkpointId, Address.VertexId, Address.Subtask, Address.Attempt, kind, reason, CancellationToken.None);
        }
        catch (Exception) when (!IsCancelled)
        {
            // The coordinator's silo may be gone; the checkpoint then times out.
        }
        catch (Exception)
        {
        }
    }

    private ICheckpointCoordinatorGrain Coordinator => _grains.GetGrain<ICheckpointCoordinatorGrain>(Address.JobId);

    private string DescribeInput(ChannelBatch batch, int index) =>
        $"record {index} of batch {batch.Sequence} from '{_graph.Plan.Vertex(batch.SenderVertex).Name}' subtask {batch.SenderSubtask}";

    /// <summary>
    /// Pipelining for keyed heads: waits for the previous flush, then starts flushing the full buffer without waiting,
    /// so the subtask keeps gathering input while per-key grains work. Keyed flushes never overlap, which keeps each
    /// key's calls in order.
    /// </summary>
    private async Task StartBackgroundFlushAsync(CancellationToken ct)
    {
        await _inflight;
        _inflight = FlushInBackgroundAsync(ct);
    }

    private async Task FlushInBackgroundAsync(CancellationToken ct)
    {
        try
        {
            await FlushCoreAsync(ct);
        }
        catch (Exception e) when (!IsCancelled || e is not OperationCanceledException)
        {
            await _onBackgroundFailure(e);
        }
    }

    private async Task FlushAsync(CancellationToken ct)
    {
        await _inflight;
        await FlushCoreAsync(ct);
    }

    private async Task FlushCoreAsync(CancellationToken ct)
    {
        if (_keyed is { Buffered: > 0 })
        {
            await _keyed.FlushAsync(ct);
        }

        await FlushOutputsAsync(ct);
    }

    /// <summary>Flushes sinks and sends pending channel output; one flush at a time per subtask.</summary>
    private async Task FlushOutputsAsync(CancellationToken ct)
    {
        await _flushLock.WaitAsync(ct);
        try
        {
            foreach (var sink in _chain.Sinks)
            {
                await sink.FlushAsync(ct);
            }

            await _outputs.FlushAsync(ct);
        }
        finally
        {
            _flushLock.Release();
        }
    }

    /// <summary>
    /// End of all input: the watermark jumps to its maximum (as Flink), so pending event-time timers and windows
    /// fire; then flush, finish sinks, tell downstream and the job manager.
    /// </summary>
    private async Task FinishAsync()
    {
        _finished = true;
        var ct = _cancellation.Token;
        await _inflight;
        if (_keyed is not null)
        {
            await _keyed.AdvanceWatermarkAsync(long.MaxValue, ct);
            await AbandonMaterializationAsync();
        }
        else
        {
            ChainElements.ForwardWatermark(_chain.Collector, long.MaxValue);
        }

        await FlushOutputsAsync(ct);
        foreach (var sink in _chain.Sinks)
        {
            await sink.FinishAsync(ct);
        }

        await _outputs.BroadcastMarkerAsync(MarkerKind.EndOfInput, 0, ct);
        await _reportFinished(ct);
    }

    /// <remarks>
    /// A sink restored from the savepoint a job started with, which got no state from it (it is new in this job),
    /// starts fresh as in a first run.
    /// </remarks>
    private SinkContext SinkContextFor(SinkTransformationInfo sink) =>
        new(Address.JobId, sink.OperatorId, sink.Name, Address.Subtask, sink.Parallelism)
        {
            Restore = _restoredCheckpointId == CheckpointIds.None
                || (_graph.Submission.Restore is { } savepoint && savepoint.CheckpointId == _restoredCheckpointId && !savepoint.RestoredOperatorIds.Contains(sink.OperatorId))
                ? null
                : new SinkRestore(_restoredCheckpointId, _restored?.SinkStates.GetValueOrDefault(sink.OperatorId) ?? []),
            ExactlyOnce = _checkpointing.IsEnabled && _checkpointing.Mode == CheckpointingMode.ExactlyOnce,
            CollectedResults = (records, ct) => _grains.GetGrain<ICollectSinkGrain>(GrainKeys.Collector(Address.JobId, sink.OperatorId)).AppendAsync(Address.Subtask, records, ct),
        };
}

/// <summary>A batch, or the rest of one from a marker on, waiting behind a barrier.</summary>
internal readonly record struct HeldInput(ChannelBatch Batch, int MarkerIndex, int Position);
