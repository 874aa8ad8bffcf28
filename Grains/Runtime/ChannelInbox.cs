using OrleansFlow.Messages;

namespace OrleansFlow.Runtime;

/// <summary>What <see cref="ChannelInbox.Add"/> did with a batch.</summary>
internal enum InboxOutcome
{
    /// <summary>It was the next of its channel: it (and any batches held behind it) is ready to be processed.</summary>
    Ready,

    /// <summary>It had arrived before (a retried delivery, or a repair that crossed the transport's copy): dropped.</summary>
    Duplicate,

    /// <summary>Batches before it are missing: it is held until they arrive (see <see cref="ChannelInbox.Missing"/>).</summary>
    AfterGap,
}

/// <summary>
/// A subtask's input queue: batches from every input channel, handed out for processing in the order they became
/// ready, each channel strictly in sequence order. A batch already received is dropped; one that arrives after a
/// gap waits until the missing batches are fetched from the sender. Bounded: a sender puts at most
/// <c>window</c> (its credits) batches on a channel that the receiver has not processed, so no channel can hold more.
/// Also keeps, per channel, how many batches were processed (what credit grants and probe answers report).
/// Not thread-safe; it lives in one grain activation.
/// </summary>
internal sealed class ChannelInbox
{
    private readonly int _window;
    private readonly Dictionary<(int Vertex, int Subtask), ChannelState> _channels = [];
    private readonly Queue<ChannelBatch> _ready = new();
    private TaskCompletionSource? _waiter;
    private bool _closed;

    /// <param name="window">The channels' credits: how far beyond the next expected batch a sender can be.</param>
    public ChannelInbox(int window)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        _window = window;
    }

    /// <summary>Batches ready to be processed.</summary>
    public int ReadyCount => _ready.Count;

    /// <summary>Batches held behind gaps, over all channels.</summary>
    public int HeldCount => _channels.Values.Sum(c => c.AfterGap.Count);

    /// <summary>
    /// Takes in a batch from the transport or from a repair. Throws <see cref="InvalidOperationException"/> for a
    /// batch beyond the channel's window, which a sender keeping to its credits never sends.
    /// </summary>
    public InboxOutcome Add(ChannelBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var channel = Channel((batch.SenderVertex, batch.SenderSubtask));
        var sequence = batch.Sequence;
        if (sequence < channel.Next || channel.AfterGap.ContainsKey(sequence))
        {
            return InboxOutcome.Duplicate;
        }

        if (sequence >= channel.Next + _window)
        {
            throw new InvalidOperationException(
                $"Channel from vertex {batch.SenderVertex} subtask {batch.SenderSubtask} delivered batch {sequence} while {channel.Next} is the next expected: " +
                $"beyond its {_window} credits.");
        }

        channel.KnownSent = Math.Max(channel.KnownSent, sequence + 1);
        if (sequence > channel.Next)
        {
            channel.AfterGap.Add(sequence, batch);
            return InboxOutcome.AfterGap;
        }

        MakeReady(batch, channel);
        while (channel.AfterGap.Remove(channel.Next, out var next))
        {
            MakeReady(next, channel);
        }

        return InboxOutcome.Ready;
    }

    /// <summary>The sender of a channel says it sent every batch below <paramref name="sentBefore"/> (a probe).</summary>
    public void NoteSent((int Vertex, int Subtask) sender, long sentBefore)
    {
        var channel = Channel(sender);
        channel.KnownSent = Math.Max(channel.KnownSent, sentBefore);
    }

    /// <summary>
    /// The batches of a channel that were sent but have not arrived, as far as the receiver knows (from a later batch
    /// or a probe): from the next expected up to the first batch held after the gap, or up to what the sender said it
    /// sent. Null when none is missing.
    /// </summary>
    public (long From, long To)? Missing((int Vertex, int Subtask) sender)
    {
        if (!_channels.TryGetValue(sender, out var channel) || channel.KnownSent <= channel.Next)
        {
            return null;
        }

        return (channel.Next, channel.AfterGap.Count > 0 ? channel.AfterGap.Keys[0] : channel.KnownSent);
    }

    /// <summary>Removes the next ready batch, if any.</summary>
    public bool TryTake(out ChannelBatch batch)
    {
        if (_ready.TryDequeue(out var next))
        {
            batch = next;
            return true;
        }

        batch = null!;
        return false;
    }

    /// <summary>Waits for the next ready batch; null once the inbox is closed.</summary>
    public async Task<ChannelBatch?> TakeAsync()
    {
        while (true)
        {
            if (TryTake(out var batch))
            {
                return batch;
            }

            if (_closed)
            {
                return null;
            }

            // Continuations run asynchronously: whoever adds a batch (the stream handler) returns before it is processed.
            _waiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            await _waiter.Task;
        }
    }

    /// <summary>A batch has been processed: credit grants and probe answers count it.</summary>
    public void MarkProcessed(ChannelBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var channel = Channel((batch.SenderVertex, batch.SenderSubtask));
        channel.Processed = Math.Max(channel.Processed, batch.Sequence + 1);
    }

    /// <summary>How many batches of a channel have been processed (from sequence 0).</summary>
    public long Processed((int Vertex, int Subtask) sender) => _channels.TryGetValue(sender, out var channel) ? channel.Processed : 0;

    /// <summary>Stops handing out batches (a waiting <see cref="TakeAsync"/> returns null); returns the batches it still had.</summary>
    public IReadOnlyList<ChannelBatch> Close()
    {
        _closed = true;
        Wake();
        var left = new List<ChannelBatch>(_ready);
        _ready.Clear();
        foreach (var channel in _channels.Values)
        {
            left.AddRange(channel.AfterGap.Values);
            channel.AfterGap.Clear();
        }

        return left;
    }

    private void MakeReady(ChannelBatch batch, ChannelState channel)
    {
        _ready.Enqueue(batch);
        channel.Next++;
        Wake();
    }

    private void Wake()
    {
        var waiter = _waiter;
        _waiter = null;
        waiter?.TrySetResult();
    }

    private ChannelState Channel((int Vertex, int Subtask) sender)
    {
        if (!_channels.TryGetValue(sender, out var channel))
        {
            channel = new ChannelState();
            _channels[sender] = channel;
        }

        return channel;
    }

    private sealed class ChannelState
    {
        /// <summary>The next sequence number to make ready.</summary>
        public long Next { get; set; }

        /// <summary>One past the highest sequence number known to have been sent.</summary>
        public long KnownSent { get; set; }

        /// <summary>Batches processed, from sequence 0.</summary>
        public long Processed { get; set; }

        /// <summary>Batches that arrived after a gap, by sequence number.</summary>
        public SortedList<long, ChannelBatch> AfterGap { get; } = [];
    }
}
