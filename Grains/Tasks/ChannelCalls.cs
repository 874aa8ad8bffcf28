using Microsoft.Extensions.Logging;
using OrleansFlow.Diagnostics;
using OrleansFlow.Messages;
using OrleansFlow.Runtime;

namespace OrleansFlow.Tasks;

/// <summary>
/// The grain calls one subtask makes for the channel protocol: credit grants to its senders, probes to its
/// receivers, fetches of missing batches from its senders. Grants and probes are not awaited by the chain, and their
/// failures are logged, never thrown: a later grant or probe carries everything a lost one did. Runs on the grain's
/// scheduler (no <c>ConfigureAwait(false)</c>).
/// </summary>
internal sealed class ChannelCalls(IGrainFactory grains, TaskAddress address, string taskKey, ILogger logger, Func<Exception, Task> onReceiverLost)
{
    /// <summary>A probe's answer from a receiver whose activation was never deployed: it was lost with its silo.</summary>
    public const long ReceiverLost = -2;

    /// <summary>Tells the batch's sender it has been processed (a cumulative credit grant), without waiting.</summary>
    public void Grant(ChannelBatch batch) => _ = GrantAsync(batch.SenderVertex, batch.SenderSubtask, batch.Sequence + 1);

    /// <summary>Asks a sender for the batches of its channel to this subtask from <paramref name="from"/> up to (not including) <paramref name="to"/>.</summary>
    public Task<ChannelReplay> FetchAsync((int Vertex, int Subtask) sender, long from, long to) =>
        TaskGrain(sender.Vertex, sender.Subtask).FetchBatchesAsync(address.VertexId, address.Subtask, from, to, CancellationToken.None);

    /// <summary>Probes, without waiting, every receiver whose channel has waited <paramref name="interval"/> without progress.</summary>
    public void Probe(OutputGate outputs, TimeSpan interval)
    {
        foreach (var (vertex, subtask, sentBefore) in outputs.BeginProbes(interval))
        {
            _ = ProbeAsync(outputs, vertex, subtask, sentBefore);
        }
    }

    private async Task GrantAsync(int senderVertex, int senderSubtask, long processed)
    {
        try
        {
            await TaskGrain(senderVertex, senderSubtask).GrantCreditsAsync(address.VertexId, address.Subtask, 1, processed, CancellationToken.None);
        }
        catch (Exception e)
        {
            ChannelLog.GrantFailed(logger, e, taskKey, senderVertex, senderSubtask);
        }
    }

    private async Task ProbeAsync(OutputGate outputs, int vertex, int subtask, long sentBefore)
    {
        try
        {
            var processed = await TaskGrain(vertex, subtask).ProbeChannelAsync(address.VertexId, address.Subtask, sentBefore, CancellationToken.None);
            if (processed >= 0)
            {
                outputs.Acknowledge(vertex, subtask, processed);
            }
            else if (processed == ReceiverLost)
            {
                // Nobody else may notice: its silo's death took the job manager too, or left no task that calls it.
                await onReceiverLost(new InvalidOperationException(
                    $"The receiver of this task's channel, vertex {vertex} subtask {subtask}, has lost its task (its silo died); the attempt restarts."));
            }
        }
        catch (Exception e)
        {
            ChannelLog.ProbeFailed(logger, e, taskKey, vertex, subtask);
        }
        finally
        {
            outputs.EndProbe(vertex, subtask);
        }
    }

    private ITaskGrain TaskGrain(int vertex, int subtask) => grains.GetGrain<ITaskGrain>(GrainKeys.Task(address.JobId, vertex, subtask, address.Attempt));
}
