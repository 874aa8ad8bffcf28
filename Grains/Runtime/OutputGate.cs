using Orleans.Streams;
using OrleansFlow.Execution;
using OrleansFlow.Jobs;
using OrleansFlow.Messages;

namespace OrleansFlow.Runtime;

/// <summary>
/// The sending side of a subtask: one channel per receiving subtask, each an Orleans stream. Credit-based flow
/// control: a channel may have at most <c>ChannelCredits</c> batches that its receiver has not finished; the
/// receiver returns a credit per batch. So memory stream queues (16,384 entries each) never overflow and a fast
/// producer slows down to its slowest consumer instead of losing records.
/// </summary>
internal sealed class OutputGate
{
    private readonly TaskAddress _address;
    private readonly int _maxBatch;
    private readonly List<(IChannelOutput Output, Channel[] Channels)> _edges = [];
    private readonly Dictionary<(int Vertex, int Subtask), Channel> _channels = [];

    public OutputGate(TaskAddress address, int initialCredits, int maxBatch, IStreamProvider streams, JobPlan plan, IEnumerable<(EdgePlan Edge, IChannelOutput Output)> outputs)
    {
        _address = address;
        _maxBatch = maxBatch;
        foreach (var (edge, output) in outputs)
        {
            var targets = edge.Partition == PartitionKind.Forward
                ? [address.Subtask]
                : Enumerable.Range(0, plan.Vertex(edge.Target).Parallelism).ToArray();
            var channels = new Channel[output.TargetCount];
            foreach (var target in targets)
            {
                var key = GrainKeys.Task(address.JobId, edge.Target, target, address.Attempt);
                var channel = new Channel(edge.Target, target, edge.InputIndex, initialCredits, streams.GetStream<ChannelBatch>(StreamId.Create(FlowNames.ChannelNamespace, key)));
                channels[target] = channel;
                _channels[(edge.Target, target)] = channel;
            }

            _edges.Add((output, channels));
        }
    }

    /// <summary>Batches sent so far on all channels.</summary>
    public long BatchesSent => _channels.Values.Sum(c => c.NextSequence);

    /// <summary>Sends everything buffered, each channel in order, channels in parallel.</summary>
    public Task FlushAsync(CancellationToken cancellationToken)
    {
        List<Task>? sends = null;
        foreach (var (output, channels) in _edges)
        {
            foreach (var channel in channels)
            {
                if (channel is null || output.Buffered(channel.Subtask) == 0)
                {
                    continue;
                }

                var batches = output.Drain(channel.Subtask, _maxBatch);
                (sends ??= []).Add(SendAllAsync(channel, batches, cancellationToken));
            }
        }

        return sends is null ? Task.CompletedTask : Task.WhenAll(sends);
    }

    /// <summary>Flushes, then sends a marker on every channel.</summary>
    public async Task BroadcastMarkerAsync(MarkerKind kind, long value, CancellationToken cancellationToken)
    {
        await FlushAsync(cancellationToken);
        await Task.WhenAll(_channels.Values.Select(c => SendAsync(c, records: null, [new ChannelMarker(0, kind, value)], cancellationToken)));
    }

    /// <summary>A receiver returned credits.</summary>
    public void Grant(int targetVertex, int targetSubtask, int credits)
    {
        if (_channels.TryGetValue((targetVertex, targetSubtask), out var channel))
        {
            channel.Grant(credits);
        }
    }

    /// <summary>Wakes every sender waiting for credit so it can observe cancellation.</summary>
    public void Cancel()
    {
        foreach (var channel in _channels.Values)
        {
            channel.Cancel();
        }
    }

    private async Task SendAllAsync(Channel channel, IReadOnlyList<object> batches, CancellationToken cancellationToken)
    {
        foreach (var records in batches)
        {
            await SendAsync(channel, records, markers: null, cancellationToken);
        }
    }

    private async Task SendAsync(Channel channel, object? records, ChannelMarker[]? markers, CancellationToken cancellationToken)
    {
        await channel.AcquireCreditAsync(cancellationToken);
        var batch = new ChannelBatch
        {
            Attempt = _address.Attempt,
            SenderVertex = _address.VertexId,
            SenderSubtask = _address.Subtask,
            InputIndex = channel.InputIndex,
            Sequence = channel.NextSequence++,
            Records = records,
            Markers = markers,
        };
        await channel.Stream.OnNextAsync(batch);
    }

    private sealed class Channel(int vertex, int subtask, int inputIndex, int credits, IAsyncStream<ChannelBatch> stream)
    {
        private readonly CreditWindow _credits = new(credits);

        public int Vertex { get; } = vertex;

        public int Subtask { get; } = subtask;

        public int InputIndex { get; } = inputIndex;

        public IAsyncStream<ChannelBatch> Stream { get; } = stream;

        public long NextSequence { get; set; }

        public Task AcquireCreditAsync(CancellationToken cancellationToken) => _credits.AcquireAsync(cancellationToken);

        public void Grant(int count) => _credits.Grant(count);

        public void Cancel() => _credits.Cancel();
    }
}
