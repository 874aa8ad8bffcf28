using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Orleans.Providers;
using OrleansFlow.Messages;

namespace OrleansFlow.Streaming;

/// <summary>
/// A memory-stream body serializer for silos that all run in one process (the embedded default): instead of
/// serializing a channel batch, it parks the body in a process-wide table and puts an 8-byte handle on the queue.
/// Channels stay Orleans streams (queues, pulling agents, ordering, flow control) but skip serialization, the queue
/// grain's deep copies and deserialization. The consuming task releases a body once it has processed the batch (or
/// dropped it as a duplicate); bodies nobody consumed (a cancelled job's last batches) are swept after a while.
/// A handle that is no longer held reads as a body without events: the pulling agent can deliver a batch again
/// after its receiver processed it (a retried delivery, or a cursor replaying the cache), and the receiver already
/// has it; a batch swept before anyone consumed it is still held by its sender, which sends it again directly when
/// its receiver reports it missing (see <c>RetainedBatches</c>).
/// Never use it when silos run in different processes: the handle means nothing there.
/// </summary>
internal sealed class InProcessMessageBodySerializer : IMemoryMessageBodySerializer
{
    private static readonly TimeSpan Unclaimed = TimeSpan.FromMinutes(5);
    private static readonly ConcurrentDictionary<long, (MemoryMessageBody Body, long Created)> Bodies = new();
    private static readonly ConditionalWeakTable<ChannelBatch, StrongBox<long>> Handles = [];
    private static long s_next;

    public ArraySegment<byte> Serialize(MemoryMessageBody body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var handle = Interlocked.Increment(ref s_next);
        Bodies[handle] = (body, Environment.TickCount64);
        foreach (var item in body.Events)
        {
            if (item is ChannelBatch batch)
            {
                Handles.AddOrUpdate(batch, new StrongBox<long>(handle));
            }
        }

        if ((handle & 4095) == 0)
        {
            Sweep();
        }

        return BitConverter.GetBytes(handle);
    }

    public MemoryMessageBody Deserialize(ArraySegment<byte> bodyBytes)
    {
        var handle = BitConverter.ToInt64(bodyBytes.AsSpan());
        return Bodies.TryGetValue(handle, out var entry) ? entry.Body : new MemoryMessageBody([], null);
    }

    /// <summary>The consumer is done with a batch: its body no longer needs to be held (a no-op for other transports).</summary>
    public static void Release(ChannelBatch batch)
    {
        if (Handles.TryGetValue(batch, out var handle))
        {
            Bodies.TryRemove(handle.Value, out _);
            Handles.Remove(batch);
        }
    }

    private static void Sweep()
    {
        var cutoff = Environment.TickCount64 - (long)Unclaimed.TotalMilliseconds;
        foreach (var (handle, entry) in Bodies)
        {
            if (entry.Created < cutoff)
            {
                Bodies.TryRemove(handle, out _);
            }
        }
    }
}
