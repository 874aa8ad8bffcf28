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
using OrleansFlow.Sources;

namespace OrleansFlow.Runtime;

/// <summary>
/// Runs one subtask, composed as Flink's StreamTask: the chain; a <see cref="CheckpointedInputGate"/> (input channels,
/// barrier alignment, held input) feeding the chain through a <see cref="ChainInput"/>, or, for a source, a
/// <see cref="SourceLoop"/>; the output channels and a <see cref="TaskFlusher"/>; for a keyed head, the dispatcher to
/// per-key grains; and a <see cref="SubtaskCheckpointer"/>. Everything that touches the chain runs in the subtask's
/// <see cref="Mailbox"/>, one action at a time, so control markers take effect exactly between the records around them
/// and a snapshot sees exactly the records before its barrier. Every input batch is processed (or, for a keyed head,
/// gathered) before its credit goes back to the sender, which is what propagates back-pressure upstream.
/// </summary>
internal sealed class TaskRuntime : IInputGateListener, IAsyncDisposable
{
    private readonly TimeProvider _time;
    private readonly JobGraph _graph;
    private readonly VertexPlan _vertex;
    private readonly TaskChain _chain;
    private readonly OutputGate _outputs;
    private readonly CheckpointedInputGate _gate;
    private readonly ChainInput _input;
    private readonly KeyedDispatcher? _keyed;
    private readonly TaskFlusher _flusher;
    private readonly SubtaskCheckpointer _checkpointer;
    private readonly SourceLoop? _source;
    private readonly CancellationTokenSource _cancellation = new();
    private readonly Mailbox _mailbox = new();
    private readonly Func<ChannelBatch, bool, Task> _onBatchDone;
    private readonly Func<CancellationToken, Task> _reportFinished;
    private readonly TaskSnapshot? _restored;
    private readonly SegmentStore? _segments;
    private readonly PeriodicWatermarks _periodic;
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
    /// that the subtask has finished (and must not give up early: a lost report leaves the job waiting);
    /// <paramref name="logger"/> hears what the checkpointer could not tell the coordinator.
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
        _time = time;
        _graph = graph;
        _onBatchDone = onBatchDone;
        _reportFinished = reportFinished;
        _restored = restored;
        _segments = segments;
        var checkpointing = graph.Submission.Checkpointing ?? CheckpointSettings.Disabled;
        Address = address;
        _tags = FlowMeter.Tags(address.JobId, address.VertexId, address.Subtask);
        _vertex = graph.Plan.Vertex(address.VertexId);
        var settings = graph.Submission.Settings;
        _chain = TaskChain.Build(graph, _vertex, address, time, sink => SubtaskCheckpointer.SinkContextFor(sink, address, graph.Submission, restoredCheckpointId, restored, grains));
        _outputs = new OutputGate(address, settings.ChannelCredits, settings.BatchSize, streams, graph.Plan, _chain.Outputs, time);
        var channels = InputTracker.ChannelInputs(graph.Plan, address.VertexId, address.Subtask);
        var pushers = new Dictionary<int, IBatchPusher>();
        if (_chain.Head is IKeyedTransformation keyed)
        {
            var keys = new KeyTable();
            _keyed = new KeyedDispatcher(
                grains, address, _chain.Head.Id, _chain.Head.Name, (IKeySplitter)keyed.CreateSplitter(_chain.Factory),
                (IBatchPusher)_chain.Head.CreatePusher(_chain.Factory, _chain.Collector), _chain.SideOutputs, _chain.Collector, time, keys, logger)
            {
                Snapshots = checkpointing.IsEnabled
                    ? new KeyedSnapshots(keys, segments ?? throw new InvalidOperationException("Checkpointing needs snapshot segment storage."),
                        new SegmentChain(restored?.KeyedState ?? [], restoredCheckpointId, TimeSpan.FromMilliseconds(checkpointing.MaterializationIntervalMs), time),
                        address, _chain.Head.Id, onMaterializationFailed)
                    : null,
            };
        }
        else if (!IsSource)
        {
            foreach (var edge in graph.Plan.InputsOf(address.VertexId))
            {
                pushers[OutputGate.InputIndexOf(graph.Plan, edge)] = (IBatchPusher)graph.Operator(edge.SourceOperatorId).CreatePusher(_chain.Factory, _chain.Collector);
            }
        }

        _input = new ChainInput(channels.Keys, _keyed, pushers, _chain.Collector, graph.Plan);
        _gate = new CheckpointedInputGate(channels, !IsSource && checkpointing.IsEnabled ? checkpointing.Mode : null, time, _input, this);
        _flusher = new TaskFlusher(_keyed, _chain.Sinks, _outputs.FlushAsync, onBackgroundFailure, _cancellation.Token);
        _checkpointer = new SubtaskCheckpointer(
            address, _vertex.Name, new CoordinatorResponder(grains, address), _keyed?.Snapshots, _chain.SinksById, _chain.Assigners,
            (checkpointId, ct) => _outputs.BroadcastMarkerAsync(MarkerKind.CheckpointBarrier, checkpointId, ct), _flusher.SinkLane, restoredCheckpointId, logger, _cancellation.Token);
        _source = IsSource ? new SourceLoop(_mailbox, settings.BatchSize, OnSourceBatchAsync, (checkpointId, position, _) => SnapshotAsync(checkpointId, position), FinishAsync) : null;
        foreach (var (operatorId, watermark) in restored?.Watermarks ?? [])
        {
            if (_chain.Assigners.TryGetValue(operatorId, out var assigner))
            {
                assigner.RestoreWatermark(watermark);
            }
        }

        _periodic = new PeriodicWatermarks(_chain.PeriodicEmitters, AutoWatermarkInterval, time);
    }

    public TaskAddress Address { get; }

    public string Name => _vertex.Name;

    public bool IsSource => _chain.Head is ISourceTransformation;

    public bool IsCancelled => _cancellation.IsCancellationRequested;

    /// <summary>The earliest processing-time timer of a keyed head, for the grain to schedule.</summary>
    public long? NextProcessingTimer => _keyed?.NextProcessingTimer;

    /// <summary>Whether operators of the chain generate watermarks periodically (the grain then runs a timer).</summary>
    public bool HasPeriodicEmitters => _periodic.Any;

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

        await _mailbox.RunAsync(() =>
        {
            if (batch.Records is Array records)
            {
                _recordsIn += records.Length;
                FlowMeter.AddRecordsIn(records.Length, _tags);
            }

            return _gate.OnBatchAsync(batch, _cancellation.Token);
        });
    }

    /// <summary>The subtask's counters (see <see cref="TaskMetrics"/>).</summary>
    public TaskMetrics Metrics(string silo)
    {
        long? watermark = _chain.Assigners.Count > 0
            ? _chain.Assigners.Values.Max(a => a.CurrentWatermark)
            : _input.Watermark;
        return new TaskMetrics(
            Address.VertexId, Address.Subtask, _recordsIn, _outputs.RecordsOut, watermark == long.MinValue ? null : watermark,
            (long)_outputs.BackPressured.TotalMilliseconds, _outputs.BatchesInFlight, _gate.HeldBatches, _finished, silo,
            _keyed?.Keys.Count ?? 0, _keyed?.Keys.Resident ?? 0, _keyed?.Passivations ?? 0, _source?.Position);
    }

    /// <summary>Asks a source to inject the barrier of a checkpoint before its next batch. False if it cannot (it finished).</summary>
    public bool RequestCheckpoint(long checkpointId)
    {
        if (_source is null || _finished || IsCancelled)
        {
            return false;
        }

        _source.RequestBarrier(checkpointId);
        return true;
    }

    /// <summary>A checkpoint completed: two-phase-commit sinks make what they sealed for it visible.</summary>
    /// <param name="checkpointId">The checkpoint.</param>
    /// <param name="keyedState">The segment chain the completed checkpoint names for this subtask, if the coordinator says.</param>
    public Task CommitAsync(long checkpointId, IReadOnlyList<SegmentRef>? keyedState = null) =>
        IsCancelled ? Task.CompletedTask : _mailbox.RunAsync(() => _checkpointer.CommitAsync(checkpointId, keyedState));

    /// <summary>Runs a source subtask until its input ends or it is cancelled.</summary>
    public async Task RunSourceAsync()
    {
        var source = (ISourceTransformation)_chain.Head;
        var settings = _graph.Submission.Settings;
        using var driver = (ISourceDriver)source.CreateDriver(_chain.Factory, _chain.Collector, new SourceReaderContext(Address.Subtask, _vertex.Parallelism, StartPosition: _restored?.SourcePosition));
        var limiter = source.RatePerSecond is { } rate ? RateLimiter.ForSubtask(rate, _vertex.Parallelism, settings, _time) : null;
        await _source!.RunAsync(driver, limiter, _cancellation.Token);
    }

    /// <summary>Runs periodic watermark generators and sends what they emit (called by the grain's timer).</summary>
    public Task EmitPeriodicAsync() =>
        IsCancelled || _finished
            ? Task.CompletedTask
            : _mailbox.RunAsync(() =>
            {
                _periodic.EmitIfDue(force: true);
                return _flusher.FlushOutputsAsync(_cancellation.Token);
            });

    /// <summary>Fires due processing-time timers of a keyed head and sends what they emit.</summary>
    public Task FireProcessingTimersAsync() =>
        _keyed is null || IsCancelled || _finished
            ? Task.CompletedTask
            : _mailbox.RunAsync(async () =>
            {
                await _flusher.Background;
                await _keyed.FireProcessingTimersAsync(_cancellation.Token);
                await _flusher.FlushOutputsAsync(_cancellation.Token);
            });

    /// <summary>Sends gathered keyed input now (the input went quiet before the buffer filled).</summary>
    public Task FlushBufferedInputAsync() =>
        _mailbox.RunAsync(() => HasBufferedInput ? _flusher.FlushAsync(_cancellation.Token) : Task.CompletedTask);

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
        await _checkpointer.SettleAsync();
    }

    /// <summary>Whether the head is keyed (it has per-key grains, which it may passivate).</summary>
    public bool HasKeys => _keyed is not null;

    /// <summary>How long a key may go without calls before it is passivated, or null for never.</summary>
    public TimeSpan? IdleKeyPassivation => _graph.Submission.Settings.IdleKeyPassivationMs is > 0 and var ms ? TimeSpan.FromMilliseconds(ms) : null;

    /// <summary>Keys whose grains hold live state.</summary>
    public int ResidentKeys => _keyed?.Keys.Resident ?? 0;

    /// <summary>Passivates the keys of a keyed head that have not been called for <paramref name="idle"/>; returns how many.</summary>
    public Task<int> PassivateIdleKeysAsync(TimeSpan idle) =>
        _keyed is null || IsCancelled || _finished
            ? Task.FromResult(0)
            : _mailbox.RunAsync(async () =>
            {
                await _flusher.Background;
                return await _keyed.PassivateIdleAsync(idle, _cancellation.Token);
            });

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
        _flusher.Dispose();
        _mailbox.Dispose();
    }

    /// <summary>Turns an exception into the job failure it reports.</summary>
    public JobFailure DescribeFailure(Exception exception)
    {
        var root = exception is UserFunctionException { InnerException: { } inner } ? inner : exception;
        var operatorName = exception is UserFunctionException { OperatorName.Length: > 0 } user ? user.OperatorName : _vertex.Name;
        return new JobFailure(operatorName, Address.Subtask, exception.Message, root.GetType().Name);
    }

    void IInputGateListener.OnCheckpointAborted(AbortedCheckpoint aborted) => _checkpointer.DeclineAborted(aborted);

    Task IInputGateListener.OnAlignedAsync(long checkpointId) => SnapshotAsync(checkpointId, sourcePosition: null);

    async Task IInputGateListener.OnBatchProcessedAsync(ChannelBatch batch, bool endsChannel, bool endedAll)
    {
        var ct = _cancellation.Token;
        _periodic.EmitIfDue();
        if (_keyed is null)
        {
            await _flusher.FlushAsync(ct);
        }
        else if (_keyed.Buffered >= _graph.Submission.Settings.KeyedBufferSize)
        {
            await _flusher.StartInBackgroundAsync(ct);
        }

        if (endedAll)
        {
            await FinishAsync();
        }

        await _onBatchDone(batch, !endsChannel);
    }

    /// <summary>A source read a batch (in its mailbox turn): count it, run due watermark generators, send its output.</summary>
    private Task OnSourceBatchAsync(int count, CancellationToken ct)
    {
        _recordsIn += count;
        FlowMeter.AddRecordsIn(count, _tags);
        _periodic.EmitIfDue();
        return _flusher.FlushOutputsAsync(ct);
    }

    /// <summary>
    /// Takes this subtask's part of a checkpoint (in the mailbox, every record before the barrier processed): sends
    /// gathered keyed input and pending output, then the checkpointer snapshots, forwards the barrier and acknowledges.
    /// </summary>
    private async Task SnapshotAsync(long checkpointId, long? sourcePosition)
    {
        var ct = _cancellation.Token;
        await _flusher.FlushAsync(ct);
        await _checkpointer.SnapshotAsync(checkpointId, sourcePosition, ct);
    }

    /// <summary>
    /// End of all input: the watermark jumps to its maximum (as Flink), so pending event-time timers and windows
    /// fire; then flush, finish sinks, tell downstream and the job manager.
    /// </summary>
    private async Task FinishAsync()
    {
        _finished = true;
        var ct = _cancellation.Token;
        await _flusher.Background;
        if (_keyed is not null)
        {
            await _keyed.AdvanceWatermarkAsync(long.MaxValue, ct);
            await AbandonMaterializationAsync();
        }
        else
        {
            ChainElements.ForwardWatermark(_chain.Collector, long.MaxValue);
        }

        await _flusher.FlushOutputsAsync(ct);
        foreach (var sink in _chain.Sinks)
        {
            await sink.FinishAsync(ct);
        }

        await _outputs.BroadcastMarkerAsync(MarkerKind.EndOfInput, 0, ct);
        await _reportFinished(ct);
    }
}
