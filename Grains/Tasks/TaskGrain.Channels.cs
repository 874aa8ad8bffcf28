using Orleans.Concurrency;
using Orleans.Serialization.Invocation;
using OrleansFlow.Diagnostics;
using OrleansFlow.Messages;
using OrleansFlow.Runtime;

namespace OrleansFlow.Tasks;

/// <summary>The subtask's side of the channel protocol: input through a <see cref="ChannelReceiver"/>, credit grants, probes and replays.</summary>
[MayInterleave(nameof(MayInterleave))]
internal sealed partial class TaskGrain
{
    /// <summary>The full name of Orleans' (internal) interface through which a pulling agent delivers to a consumer.</summary>
    internal const string StreamConsumerExtension = "Orleans.Streams.IStreamConsumerExtension";

    private ChannelReceiver? _receiver;
    private ChannelCalls? _calls;
    private IGrainTimer? _probeTimer;

    /// <summary>
    /// Stream deliveries (calls to Orleans' stream consumer extension) interleave with every other call: the handler
    /// only queues the batch, so one waiting behind a call that waits for the chain (a checkpoint commit, a timer)
    /// would hold up the transport for nothing, and could time out and be skipped.
    /// </summary>
    public static bool MayInterleave(IInvokable request) =>
        request.GetInterfaceType().FullName == StreamConsumerExtension;

    public Task GrantCreditsAsync(int targetVertex, int targetSubtask, int credits, long processed, CancellationToken cancellationToken)
    {
        _runtime?.Outputs.Acknowledge(targetVertex, targetSubtask, processed);
        return Task.CompletedTask;
    }

    public Task<long> ProbeChannelAsync(int senderVertex, int senderSubtask, long sentBefore, CancellationToken cancellationToken) =>
        Task.FromResult(
            _receiver is { } receiver && !_failed ? receiver.OnProbe((senderVertex, senderSubtask), sentBefore)
            : _runtime is null && !_cancelled ? ChannelCalls.ReceiverLost
            : -1L);

    /// <summary>
    /// Only a deployed sender can answer: an activation without a runtime was made by the call itself, because the task
    /// that sent the batches is gone with its silo.
    /// </summary>
    public Task<ChannelReplay> FetchBatchesAsync(int targetVertex, int targetSubtask, long fromSequence, long toSequence, CancellationToken cancellationToken)
    {
        if (_runtime is not { } runtime)
        {
            ChannelLog.ReplayNotDeployed(logger, this.GetPrimaryKeyString(), targetVertex, targetSubtask, fromSequence, toSequence - 1);
            return Task.FromResult(ChannelReplay.NotDeployed);
        }

        var replay = runtime.Outputs.Replay(targetVertex, targetSubtask, fromSequence, toSequence);
        if (!replay.Holds)
        {
            ChannelLog.ReplayRefused(logger, this.GetPrimaryKeyString(), targetVertex, targetSubtask, fromSequence, toSequence - 1);
        }

        return Task.FromResult(replay);
    }

    /// <summary>The stream handler: queues the batch and returns (see <see cref="ChannelReceiver"/>).</summary>
    private Task OnBatchAsync(ChannelBatch batch)
    {
        if (_failed)
        {
            Streaming.InProcessMessageBodySerializer.Release(batch);
        }
        else if (_receiver is { } receiver)
        {
            receiver.Deliver(batch);
        }
        else
        {
            // Only a deployed task processes input. A batch for a task that was never deployed here comes from a
            // sender of an attempt that is being replaced, whose receiver died with its silo: Orleans re-activated the
            // receiver just to deliver it. Building the chain now would restart its sinks from scratch. (Were it ever a
            // batch that overtook this task's deployment, its sender still holds it and sends it again when probing.)
            Streaming.InProcessMessageBodySerializer.Release(batch);
            Log.StaleBatchDropped(logger, this.GetPrimaryKeyString(), _address.Attempt);
        }

        return Task.CompletedTask;
    }

    /// <summary>The receiver's loop hands over the next batch in channel order.</summary>
    private async Task ProcessBatchAsync(ChannelBatch batch)
    {
        if (_runtime is not { } runtime || _failed)
        {
            Streaming.InProcessMessageBodySerializer.Release(batch);
            return;
        }

        try
        {
            await runtime.OnBatchAsync(batch);
            ScheduleProcessingTimer(runtime);
            ScheduleLingerFlush(runtime);
        }
        catch (Exception e)
        {
            await FailAsync(e);
        }
    }

    /// <summary>
    /// A batch has been processed (held input later than it arrived): free it and tell its sender, which drops it and
    /// gets the credit back. An end-of-input batch returns no credit, but its sender still learns it was processed.
    /// </summary>
    private Task OnBatchDoneAsync(ChannelBatch batch, bool returnCredit)
    {
        Streaming.InProcessMessageBodySerializer.Release(batch);
        _receiver?.OnProcessed(batch);
        if (returnCredit || _runtime is { IsCancelled: false })
        {
            _calls?.Grant(batch);
        }

        return Task.CompletedTask;
    }

    /// <summary>A sender whose channel waited a probe interval without progress asks its receiver (see <see cref="ChannelCalls.Probe"/>).</summary>
    private Task ProbeReceiversAsync(CancellationToken cancellationToken)
    {
        if (_runtime is { } runtime && _calls is { } calls && !_failed && !_cancelled)
        {
            calls.Probe(runtime.Outputs, channelOptions.Value.ProbeInterval);
        }

        return Task.CompletedTask;
    }

    /// <summary>Starts the input loop and the probes of the output channels once the runtime exists.</summary>
    private void StartChannels(JobGraph graph, string key)
    {
        _calls = new ChannelCalls(GrainFactory, _address, key, logger, FailAsync);
        _receiver = new ChannelReceiver(
            graph.Submission.Settings.ChannelCredits, ProcessBatchAsync, _calls.FetchAsync, FailAsync, logger, key, FlowMeter.Tags(_address.JobId, _address.VertexId, _address.Subtask));
        _receiver.Start();
        // Interleaved: a probe only reads the output channels' state and sends calls it does not wait for.
        var probePeriod = channelOptions.Value.ProbeInterval / 2;
        _probeTimer = this.RegisterGrainTimer(ProbeReceiversAsync, new GrainTimerCreationOptions(probePeriod, probePeriod) { Interleave = true });
    }
}
