using System.Diagnostics;
using Microsoft.Extensions.Logging;
using OrleansFlow.Diagnostics;
using OrleansFlow.Messages;
using OrleansFlow.Streaming;

namespace OrleansFlow.Runtime;

/// <summary>
/// The receiving side of a subtask's input channels. Whatever delivers a batch (the stream handler, a repair) only
/// puts it in the <see cref="ChannelInbox"/>; the receiver's own loop hands ready batches to processing one at a
/// time, so a subtask that is busy never holds up the transport. Batches the transport dropped are fetched from
/// their sender, which holds them until they are processed: when a later batch reveals the gap, or when the sender,
/// waiting without progress, probes (<see cref="OnProbe"/>). A gap the sender can no longer fill fails the subtask
/// with <see cref="ChannelBatchesLostException"/>. Runs on its grain's scheduler (no <c>ConfigureAwait(false)</c>).
/// </summary>
internal sealed class ChannelReceiver
{
    private readonly ChannelInbox _inbox;
    private readonly Func<ChannelBatch, Task> _process;
    private readonly Func<(int Vertex, int Subtask), long, long, Task<ChannelReplay>> _fetch;
    private readonly Func<Exception, Task> _fail;
    private readonly ILogger _logger;
    private readonly string _taskKey;
    private readonly TagList _tags;
    private readonly HashSet<(int Vertex, int Subtask)> _repairing = [];
    private Task _loop = Task.CompletedTask;
    private bool _stopped;

    /// <param name="window">The channels' credits (see <see cref="ChannelInbox"/>).</param>
    /// <param name="process">Processes one batch in order; it handles its own failures.</param>
    /// <param name="fetch">Asks a sender for the batches of its channel from one sequence number up to (not including) another.</param>
    /// <param name="fail">Fails the subtask (a gap that cannot be filled, a batch beyond the window).</param>
    /// <param name="logger">Logs repairs.</param>
    /// <param name="taskKey">The subtask's grain key, for logs.</param>
    /// <param name="tags">The subtask's metric tags.</param>
    public ChannelReceiver(
        int window,
        Func<ChannelBatch, Task> process,
        Func<(int Vertex, int Subtask), long, long, Task<ChannelReplay>> fetch,
        Func<Exception, Task> fail,
        ILogger logger,
        string taskKey,
        TagList tags)
    {
        _inbox = new ChannelInbox(window);
        _process = process;
        _fetch = fetch;
        _fail = fail;
        _logger = logger;
        _taskKey = taskKey;
        _tags = tags;
    }

    /// <summary>Completes when the loop has stopped (after <see cref="Stop"/>).</summary>
    public Task Completion => _loop;

    /// <summary>Starts the processing loop (once).</summary>
    public void Start()
    {
        if (_loop.IsCompleted && !_stopped)
        {
            _loop = RunAsync();
        }
    }

    /// <summary>Takes in a batch and returns at once; processing happens in the loop.</summary>
    public void Deliver(ChannelBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (_stopped)
        {
            InProcessMessageBodySerializer.Release(batch);
            return;
        }

        InboxOutcome outcome;
        try
        {
            outcome = _inbox.Add(batch);
        }
        catch (InvalidOperationException e)
        {
            InProcessMessageBodySerializer.Release(batch);
            _ = _fail(e);
            return;
        }

        if (outcome == InboxOutcome.Duplicate)
        {
            InProcessMessageBodySerializer.Release(batch);
            FlowMeter.AddDuplicateBatches(1, _tags);
            ChannelLog.DuplicateDropped(_logger, _taskKey, batch.SenderVertex, batch.SenderSubtask, batch.Sequence);
        }
        else if (outcome == InboxOutcome.AfterGap)
        {
            StartRepair((batch.SenderVertex, batch.SenderSubtask));
        }
    }

    /// <summary>
    /// A sender asks about its channel: every batch below <paramref name="sentBefore"/> was sent a while ago; those that
    /// never arrived are fetched. Returns how many batches of the channel have been processed, or -1 once stopped.
    /// </summary>
    public long OnProbe((int Vertex, int Subtask) sender, long sentBefore)
    {
        if (_stopped)
        {
            return -1;
        }

        _inbox.NoteSent(sender, sentBefore);
        StartRepair(sender);
        return _inbox.Processed(sender);
    }

    /// <summary>A batch has been processed (its credit goes back): probes report it.</summary>
    public void OnProcessed(ChannelBatch batch) => _inbox.MarkProcessed(batch);

    /// <summary>Stops the loop after the batch in progress and releases every batch not processed; later deliveries are dropped.</summary>
    public void Stop()
    {
        _stopped = true;
        foreach (var batch in _inbox.Close())
        {
            InProcessMessageBodySerializer.Release(batch);
        }
    }

    private async Task RunAsync()
    {
        while (await _inbox.TakeAsync() is { } batch)
        {
            if (_stopped)
            {
                InProcessMessageBodySerializer.Release(batch);
                continue;
            }

            try
            {
                await _process(batch);
            }
            catch (Exception e)
            {
                await _fail(e);
            }
        }
    }

    private void StartRepair((int Vertex, int Subtask) sender)
    {
        if (_inbox.Missing(sender) is not null && _repairing.Add(sender))
        {
            _ = RepairAsync(sender);
        }
    }

    /// <summary>Fetches the missing batches of a channel until none is missing, the sender has nothing more, or a call fails.</summary>
    private async Task RepairAsync((int Vertex, int Subtask) sender)
    {
        try
        {
            while (!_stopped && _inbox.Missing(sender) is { } missing)
            {
                ChannelReplay replay;
                try
                {
                    replay = await _fetch(sender, missing.From, missing.To);
                }
                catch (Exception e)
                {
                    // The sender may be busy (a blocked activation) or gone; it probes again while it waits, and a gone
                    // sender's silo failure restarts the job.
                    ChannelLog.RepairFailed(_logger, e, _taskKey, sender.Vertex, sender.Subtask, missing.From, missing.To);
                    return;
                }

                if (_stopped)
                {
                    return;
                }

                if (!replay.Holds)
                {
                    await _fail(replay.SenderLost
                        ? ChannelBatchesLostException.SenderLost(sender.Vertex, sender.Subtask, missing.From, missing.To)
                        : new ChannelBatchesLostException(sender.Vertex, sender.Subtask, missing.To, missing.From));
                    return;
                }

                var fetched = 0;
                foreach (var batch in replay.Batches)
                {
                    fetched += batch.Sequence >= missing.From && batch.Sequence < missing.To ? 1 : 0;
                    Deliver(batch);
                }

                ChannelLog.GapRepaired(_logger, _taskKey, sender.Vertex, sender.Subtask, missing.From, missing.To - 1, fetched);
                FlowMeter.AddRepairedBatches(fetched, _tags);
                if (_inbox.Missing(sender) is { } still && still.From == missing.From)
                {
                    return; // the sender has not sent it yet as far as it knows: nothing to wait for here
                }
            }
        }
        finally
        {
            _repairing.Remove(sender);
        }
    }
}
