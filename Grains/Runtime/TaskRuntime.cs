using Orleans.Streams;
using OrleansFlow.Execution;
using OrleansFlow.Graph;
using OrleansFlow.Jobs;
using OrleansFlow.Messages;
using OrleansFlow.Operators;
using OrleansFlow.Sinks;
using OrleansFlow.Sources;

namespace OrleansFlow.Runtime;

/// <summary>
/// Runs one subtask: the chain, its input bookkeeping and watermark valve, its output channels and, for a keyed
/// head, the dispatcher to per-key grains. Control markers take effect exactly between the records around them.
/// Every input batch is processed (or, for a keyed head, gathered) before its credit goes back to the sender, which
/// is what propagates back-pressure upstream. Output flushes never overlap, so each channel's sends stay in sequence.
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
    private Task _inflight = Task.CompletedTask;
    private long _lastPeriodicEmit;
    private bool _idle;
    private bool _finished;

    /// <summary>Builds the subtask; <paramref name="onBackgroundFailure"/> hears of a failed background flush.</summary>
    public TaskRuntime(IGrainFactory grains, IStreamProvider streams, TimeProvider time, JobGraph graph, TaskAddress address, Func<Exception, Task> onBackgroundFailure)
    {
        _grains = grains;
        _time = time;
        _graph = graph;
        _onBackgroundFailure = onBackgroundFailure;
        Address = address;
        _vertex = graph.Plan.Vertex(address.VertexId);
        var settings = graph.Submission.Settings;
        _chain = TaskChain.Build(graph, _vertex, address, time, SinkContextFor);
        _outputs = new OutputGate(address, settings.ChannelCredits, settings.BatchSize, streams, graph.Plan, _chain.Outputs);
        _inputs = new InputTracker(graph.Plan, address.VertexId, address.Subtask);
        _valve = new WatermarkValve(_inputs.Channels);
        if (_chain.Head is IKeyedTransformation keyed)
        {
            _keyed = new KeyedDispatcher(
                grains, address, _chain.Head.Id, _chain.Head.Name, keyed.CreateSplitter(),
                _chain.Head.CreatePusher(_chain.Collector, _chain.Context), _chain.SideOutputs, _chain.Collector, time);
        }
        else if (_chain.Head is not ISourceTransformation)
        {
            foreach (var edge in graph.Plan.InputsOf(address.VertexId))
            {
                _pushers[OutputGate.InputIndexOf(graph.Plan, edge)] = graph.Operator(edge.SourceOperatorId).CreatePusher(_chain.Collector, _chain.Context);
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

    /// <summary>Handles one input batch. Returns true when the sender should get its credit back.</summary>
    public async Task<bool> OnBatchAsync(ChannelBatch batch)
    {
        if (IsCancelled || _finished)
        {
            return false;
        }

        _inputs.Accept(batch);
        var ct = _cancellation.Token;
        var channel = (batch.SenderVertex, batch.SenderSubtask);
        var position = 0;
        var endedAll = false;
        var endsChannel = false;
        foreach (var marker in batch.Markers ?? [])
        {
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

        return !endsChannel;
    }

    /// <summary>Runs a source subtask until its input ends or it is cancelled.</summary>
    public async Task RunSourceAsync()
    {
        var source = (ISourceTransformation)_chain.Head;
        var settings = _graph.Submission.Settings;
        var ct = _cancellation.Token;
        using var driver = source.CreateDriver(_chain.Collector, new SourceReaderContext(Address.Subtask, _vertex.Parallelism, StartPosition: null), _chain.Context);
        var limiter = source.RatePerSecond is { } rate ? new RateLimiter(rate, settings, _time) : null;
        while (!ct.IsCancellationRequested)
        {
            var (count, more) = await driver.RunBatchAsync(limiter?.BatchSize ?? settings.BatchSize, ct);
            EmitPeriodicIfDue();
            await FlushOutputsAsync(ct);
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
            await FinishAsync();
        }
    }

    /// <summary>Runs periodic watermark generators and sends what they emit (called by the grain's timer).</summary>
    public async Task EmitPeriodicAsync()
    {
        if (IsCancelled || _finished)
        {
            return;
        }

        EmitPeriodicIfDue(force: true);
        await FlushOutputsAsync(_cancellation.Token);
    }

    /// <summary>Fires due processing-time timers of a keyed head and sends what they emit.</summary>
    public async Task FireProcessingTimersAsync()
    {
        if (_keyed is null || IsCancelled || _finished)
        {
            return;
        }

        await _inflight;
        await _keyed.FireProcessingTimersAsync(_cancellation.Token);
        await FlushOutputsAsync(_cancellation.Token);
    }

    /// <summary>Sends gathered keyed input now (the input went quiet before the buffer filled).</summary>
    public Task FlushBufferedInputAsync() => HasBufferedInput ? FlushAsync(_cancellation.Token) : Task.CompletedTask;

    public void Grant(int targetVertex, int targetSubtask, int credits) => _outputs.Grant(targetVertex, targetSubtask, credits);

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
        await _grains.GetGrain<IJobManagerGrain>(Address.JobId).ReportFinishedAsync(Address.VertexId, Address.Subtask, Address.Attempt, ct);
    }

    private SinkContext SinkContextFor(SinkTransformationInfo sink) =>
        new(Address.JobId, sink.OperatorId, sink.Name, Address.Subtask, sink.Parallelism)
        {
            CollectedResults = (records, ct) => _grains.GetGrain<ICollectSinkGrain>(GrainKeys.Collector(Address.JobId, sink.OperatorId)).AppendAsync(Address.Subtask, records, ct),
        };
}
