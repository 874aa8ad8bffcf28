using System.Diagnostics;
using Orleans.Streams;
using OrleansFlow.Diagnostics;
using OrleansFlow.Execution;
using OrleansFlow.Jobs;
using OrleansFlow.Messages;

namespace OrleansFlow.Runtime;

/// <summary>
/// The sending side of a subtask: one channel per receiving subtask, each an Orleans stream, shared by all edges
/// to that subtask (each batch names its edge by <see cref="ChannelBatch.InputIndex"/>). Credit-based flow control:
/// a channel may have at most <c>ChannelCredits</c> batches its receiver has not finished; the receiver returns a
/// credit per batch. So memory stream queues (16,384 entries each) never overflow, and a fast producer slows to its
/// slowest consumer instead of losing records. Each channel keeps the batches its receiver has not processed
/// (<see cref="RetainedBatches"/>): a receiver that finds batches missing (the transport dropped them) fetches them
/// with <see cref="Replay"/>, and a channel that has waited a while without progress is probed (<see cref="BeginProbes"/>).
/// </summary>
internal sealed class OutputGate
{
    private readonly TaskAddress _address;
    private readonly int _maxBatch;
    private readonly List<(IChannelOutput Output, int InputIndex, Channel?[] Channels)> _edges = [];
    private readonly Dictionary<(int Vertex, int Subtask), Channel> _channels = [];
    private readonly int _initialCredits;
    private readonly TagList _tags;

    public OutputGate(
        TaskAddress address, int initialCredits, int maxBatch, IStreamProvider streams, JobPlan plan, IEnumerable<(EdgePlan Edge, IChannelOutput Output)> outputs, TimeProvider time)
    {
        _address = address;
        _maxBatch = maxBatch;
        _initialCredits = initialCredits;
        _tags = FlowMeter.Tags(address.JobId, address.VertexId, address.Subtask);
        foreach (var (edge, output) in outputs)
        {
            var targets = edge.Partition == PartitionKind.Forward
                ? [address.Subtask]
                : Enumerable.Range(0, plan.Vertex(edge.Target).Parallelism).ToArray();
            var channels = new Channel?[output.TargetCount];
            foreach (var target in targets)
            {
                if (!_channels.TryGetValue((edge.Target, target), out var channel))
                {
                    var key = GrainKeys.Task(address.JobId, edge.Target, target, address.Attempt);
                    channel = new Channel(
                        target, new CreditWindow(initialCredits), new RetainedBatches(time), streams.GetStream<ChannelBatch>(StreamId.Create(FlowNames.ChannelNamespace, key)));
                    _channels[(edge.Target, target)] = channel;
                }

                channels[target] = channel;
            }

            _edges.Add((output, InputIndexOf(plan, edge), channels));
        }
    }

    /// <summary>Records sent so far.</summary>
    public long RecordsOut { get; private set; }

    /// <summary>Time spent waiting for credits so far (back-pressure).</summary>
    public TimeSpan BackPressured { get; private set; }

    /// <summary>Batches sent that their receivers have not finished yet.</summary>
    public int BatchesInFlight => _channels.Values.Sum(c => Math.Max(0, _initialCredits - c.Credits.Available));

    /// <summary>The index of an edge among its receiver's input edges; sender and receiver compute it the same way.</summary>
    public static int InputIndexOf(JobPlan plan, EdgePlan edge) => plan.InputsOf(edge.Target).ToList().IndexOf(edge);

    /// <summary>Sends everything pending (records and markers), each channel in order, channels in parallel.</summary>
    public Task FlushAsync(CancellationToken cancellationToken)
    {
        Dictionary<Channel, List<(int InputIndex, OutputBatch Batch)>>? pending = null;
        foreach (var (output, inputIndex, channels) in _edges)
        {
            foreach (var channel in channels)
            {
                if (channel is null || !output.HasPending(channel.Subtask))
                {
                    continue;
                }

                pending ??= [];
                if (!pending.TryGetValue(channel, out var list))
                {
                    list = [];
                    pending[channel] = list;
                }

                list.AddRange(output.Drain(channel.Subtask, _maxBatch).Select(b => (inputIndex, b)));
            }
        }

        return pending is null ? Task.CompletedTask : Task.WhenAll(pending.Select(p => SendAllAsync(p.Key, p.Value, cancellationToken)));
    }

    /// <summary>Flushes, then sends a marker on every channel.</summary>
    public async Task BroadcastMarkerAsync(MarkerKind kind, long value, CancellationToken cancellationToken)
    {
        await FlushAsync(cancellationToken);
        await Task.WhenAll(_channels.Values.Select(c => SendAsync(c, 0, new OutputBatch(null, null, [new ChannelMarker(0, kind, value)]), cancellationToken)));
    }

    /// <summary>
    /// A receiver reports how many batches of its channel it has processed (a credit grant or a probe's answer):
    /// they are dropped, and their credits come back.
    /// </summary>
    public void Acknowledge(int targetVertex, int targetSubtask, long processed)
    {
        if (_channels.TryGetValue((targetVertex, targetSubtask), out var channel) && channel.Retained.Acknowledge(processed) is > 0 and var freed)
        {
            channel.Credits.Grant(freed);
        }
    }

    /// <summary>The batches a receiver is missing, from <paramref name="from"/> up to (not including) <paramref name="to"/>, as far as they were sent.</summary>
    public ChannelReplay Replay(int targetVertex, int targetSubtask, long from, long to) =>
        _channels.TryGetValue((targetVertex, targetSubtask), out var channel) && channel.Retained.TryReplay(from, to, out var batches)
            ? new ChannelReplay(true, batches)
            : ChannelReplay.Lost;

    /// <summary>
    /// Starts a probe on every channel where one is due (see <see cref="RetainedBatches.BeginProbe"/>): the receiver
    /// and the sequence number below which it should have every batch. End each with <see cref="EndProbe"/>.
    /// </summary>
    public List<(int Vertex, int Subtask, long SentBefore)> BeginProbes(TimeSpan interval)
    {
        var due = new List<(int Vertex, int Subtask, long SentBefore)>();
        foreach (var ((vertex, subtask), channel) in _channels)
        {
            if (channel.Retained.BeginProbe(interval) is { } sentBefore)
            {
                due.Add((vertex, subtask, sentBefore));
            }
        }

        return due;
    }

    /// <summary>A probe started by <see cref="BeginProbes"/> ended.</summary>
    public void EndProbe(int targetVertex, int targetSubtask)
    {
        if (_channels.TryGetValue((targetVertex, targetSubtask), out var channel))
        {
            channel.Retained.EndProbe();
        }
    }

    /// <summary>Wakes every sender waiting for credit so it can observe cancellation.</summary>
    public void Cancel()
    {
        foreach (var channel in _channels.Values)
        {
            channel.Credits.Cancel();
        }
    }

    private async Task SendAllAsync(Channel channel, List<(int InputIndex, OutputBatch Batch)> batches, CancellationToken cancellationToken)
    {
        foreach (var (inputIndex, batch) in batches)
        {
            await SendAsync(channel, inputIndex, batch, cancellationToken);
        }
    }

    private async Task SendAsync(Channel channel, int inputIndex, OutputBatch output, CancellationToken cancellationToken)
    {
        if (channel.Credits.Available > 0)
        {
            await channel.Credits.AcquireAsync(cancellationToken);
        }
        else
        {
            var waitStart = Stopwatch.GetTimestamp();
            await channel.Credits.AcquireAsync(cancellationToken);
            var waited = Stopwatch.GetElapsedTime(waitStart);
            BackPressured += waited;
            FlowMeter.AddBackPressured(waited, _tags);
        }

        if (output.Records is Array records)
        {
            RecordsOut += records.Length;
            FlowMeter.AddRecordsOut(records.Length, _tags);
        }

        var batch = new ChannelBatch
        {
            Attempt = _address.Attempt,
            SenderVertex = _address.VertexId,
            SenderSubtask = _address.Subtask,
            InputIndex = inputIndex,
            Sequence = channel.Retained.NextSequence,
            Records = output.Records,
            Timestamps = output.Timestamps,
            Markers = output.Markers,
        };
        channel.Retained.Add(batch); // before it is sent: its receiver may ask for it as soon as it sees a later one
        await channel.Stream.OnNextAsync(batch);
    }

    private sealed class Channel(int subtask, CreditWindow credits, RetainedBatches retained, IAsyncStream<ChannelBatch> stream)
    {
        public int Subtask { get; } = subtask;

        public CreditWindow Credits { get; } = credits;

        public RetainedBatches Retained { get; } = retained;

        public IAsyncStream<ChannelBatch> Stream { get; } = stream;
    }
}
