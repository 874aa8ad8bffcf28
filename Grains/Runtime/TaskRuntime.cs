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
/// Runs one subtask: the chain, its input bookkeeping, its output channels and, for a keyed head, the dispatcher
/// to per-key grains. Every input batch is processed completely (records through the chain, outputs sent) before
/// its credit goes back to the sender, which is what propagates back-pressure upstream.
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
    private readonly Dictionary<int, IBatchPusher> _pushers = [];
    private readonly KeyedDispatcher? _keyed;
    private readonly CancellationTokenSource _cancellation = new();
    private readonly Func<Exception, Task> _onBackgroundFailure;
    private Task _inflight = Task.CompletedTask;
    private bool _finished;

    /// <summary>Builds the subtask; <paramref name="onBackgroundFailure"/> hears of a failed background flush.</summary>
    public TaskRuntime(IGrainFactory grains, IStreamProvider streams, TimeProvider time, JobGraph graph, TaskAddress address, Func<Exception, Task> onBackgroundFailure)
    {
        _onBackgroundFailure = onBackgroundFailure;
        _grains = grains;
        _time = time;
        _graph = graph;
        Address = address;
        _vertex = graph.Plan.Vertex(address.VertexId);
        var settings = graph.Submission.Settings;
        _chain = TaskChain.Build(graph, _vertex, address, SinkContextFor);
        _outputs = new OutputGate(address, settings.ChannelCredits, settings.BatchSize, streams, graph.Plan, _chain.Outputs);
        _inputs = new InputTracker(graph.Plan, address.VertexId, address.Subtask);
        if (_chain.Head is IKeyedTransformation keyed)
        {
            _keyed = new KeyedDispatcher(grains, address, _chain.Head.Id, _chain.Head.Name, keyed.CreateSplitter(), _chain.Head.CreatePusher(_chain.Collector), time);
        }
        else if (_chain.Head is not ISourceTransformation)
        {
            foreach (var edge in graph.Plan.InputsOf(address.VertexId))
            {
                _pushers[edge.Source] = graph.Operator(edge.SourceOperatorId).CreatePusher(_chain.Collector);
            }
        }
    }

    public TaskAddress Address { get; }

    public string Name => _vertex.Name;

    public bool IsSource => _chain.Head is ISourceTransformation;

    public bool IsCancelled => _cancellation.IsCancellationRequested;

    /// <summary>The earliest processing-time timer of a keyed head, for the grain to schedule.</summary>
    public long? NextProcessingTimer => _keyed?.NextProcessingTimer;

    /// <summary>Handles one input batch. Returns true when the sender should get its credit back.</summary>
    public async Task<bool> OnBatchAsync(ChannelBatch batch)
    {
        if (IsCancelled || _finished)
        {
            return false;
        }

        _inputs.Accept(batch);
        var ct = _cancellation.Token;
        var position = 0;
        var count = batch.Count;
        var endedAll = false;
        var endsChannel = false;
        foreach (var marker in batch.Markers ?? [])
        {
            await PushAsync(batch, position, marker.Position, ct);
            position = marker.Position;
            if (marker.Kind == MarkerKind.EndOfInput)
            {
                endsChannel = true;
                endedAll = _inputs.End(batch.SenderVertex, batch.SenderSubtask);
            }
        }

        await PushAsync(batch, position, count, ct);
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

    /// <summary>Longest a gathered record waits before it is sent on (the job's buffer timeout).</summary>
    public int BufferTimeoutMs => _graph.Submission.Settings.BufferTimeoutMs;

    /// <summary>Whether a keyed head holds gathered records not yet sent to its per-key grains.</summary>
    public bool HasBufferedInput => _keyed is { Buffered: > 0 } && !_finished && !IsCancelled;

    /// <summary>Sends gathered keyed input now (the input went quiet before the buffer filled).</summary>
    public Task FlushBufferedInputAsync() => HasBufferedInput ? FlushAsync(_cancellation.Token) : Task.CompletedTask;

    /// <summary>Runs a source subtask until its input ends or it is cancelled.</summary>
    public async Task RunSourceAsync()
    {
        var source = (ISourceTransformation)_chain.Head;
        var settings = _graph.Submission.Settings;
        var ct = _cancellation.Token;
        using var driver = source.CreateDriver(_chain.Collector, new SourceReaderContext(Address.Subtask, _vertex.Parallelism, StartPosition: null));
        var limiter = source.RatePerSecond is { } rate ? new RateLimiter(rate, settings, _time) : null;
        while (!ct.IsCancellationRequested)
        {
            var (count, more) = await driver.RunBatchAsync(limiter?.BatchSize ?? settings.BatchSize, ct);
            await FlushAsync(ct);
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

    /// <summary>Fires due processing-time timers of a keyed head and sends what they emit.</summary>
    public async Task FireProcessingTimersAsync()
    {
        if (_keyed is null || IsCancelled || _finished)
        {
            return;
        }

        await _inflight;
        await _keyed.FireProcessingTimersAsync(_cancellation.Token);
        await FlushAsync(_cancellation.Token);
    }

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
    }

    private Task PushAsync(ChannelBatch batch, int start, int end, CancellationToken ct)
    {
        if (end <= start)
        {
            return Task.CompletedTask;
        }

        if (_keyed is not null)
        {
            _keyed.Buffer(batch.Records!, batch.Timestamps, start, end);
            return Task.CompletedTask;
        }

        _pushers[batch.SenderVertex].Push(batch.Records!, start, end, i => DescribeInput(batch, i));
        return Task.CompletedTask;
    }

    private string DescribeInput(ChannelBatch batch, int index) =>
        $"record {index} of batch {batch.Sequence} from '{_graph.Plan.Vertex(batch.SenderVertex).Name}' subtask {batch.SenderSubtask}";

    /// <summary>
    /// Pipelining for keyed heads: waits for the previous flush, then starts flushing the full buffer without waiting,
    /// so the subtask keeps gathering input while per-key grains work. Flushes never overlap, which keeps each key's
    /// calls in order and each channel's sends in sequence.
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

        foreach (var sink in _chain.Sinks)
        {
            await sink.FlushAsync(ct);
        }

        await _outputs.FlushAsync(ct);
    }

    /// <summary>End of all input: fire pending event-time timers (the watermark jumps to its maximum, as in Flink), flush, tell downstream and the job manager.</summary>
    private async Task FinishAsync()
    {
        _finished = true;
        var ct = _cancellation.Token;
        await _inflight;
        if (_keyed is not null)
        {
            await _keyed.AdvanceWatermarkAsync(long.MaxValue, ct);
        }

        await FlushAsync(ct);
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

    /// <summary>Turns an exception into the job failure it reports.</summary>
    public JobFailure DescribeFailure(Exception exception)
    {
        var root = exception is UserFunctionException { InnerException: { } inner } ? inner : exception;
        var operatorName = exception is UserFunctionException { OperatorName.Length: > 0 } user ? user.OperatorName : _vertex.Name;
        return new JobFailure(operatorName, Address.Subtask, exception.Message, root.GetType().Name);
    }
}
