using OrleansFlow.Messages;

namespace OrleansFlow.Runtime;

/// <summary>
/// The sending side of one channel keeps every batch it sent until the receiver reports it processed (at most the
/// channel's credits), so a batch the transport dropped can be fetched again; and it decides when to ask the
/// receiver whether it is missing any (a probe): when batches have waited a <c>probe interval</c> with nothing
/// acknowledged, which is the only sign left when the transport dropped the last batches sent and nothing after them
/// reveals the gap. Sequence numbers are assigned here. Not thread-safe; it lives in one grain activation.
/// </summary>
internal sealed class RetainedBatches(TimeProvider time)
{
    private readonly Queue<(ChannelBatch Batch, long SentAt)> _batches = new();
    private long _quietSince;
    private bool _probing;

    /// <summary>Batches the receiver has processed: the sequence number of the first batch still held.</summary>
    public long Acknowledged { get; private set; }

    /// <summary>The sequence number of the next batch to send.</summary>
    public long NextSequence { get; private set; }

    /// <summary>Batches sent and not yet processed.</summary>
    public int Count => _batches.Count;

    /// <summary>Keeps a batch that is about to be sent; its sequence number must be <see cref="NextSequence"/>.</summary>
    public void Add(ChannelBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Sequence != NextSequence)
        {
            throw new ArgumentException($"Batch {batch.Sequence} sent where {NextSequence} is next.", nameof(batch));
        }

        var now = time.GetTimestamp();
        if (_batches.Count == 0)
        {
            _quietSince = now;
        }

        _batches.Enqueue((batch, now));
        NextSequence++;
    }

    /// <summary>
    /// The receiver has processed the first <paramref name="processed"/> batches: drops them and returns how many
    /// that frees (credits). A report no newer than an earlier one frees nothing, so grants may be lost, repeated or
    /// reordered. Throws for a report of batches never sent.
    /// </summary>
    public int Acknowledge(long processed)
    {
        if (processed <= Acknowledged)
        {
            return 0;
        }

        if (processed > NextSequence)
        {
            throw new InvalidOperationException($"The receiver reports {processed} batches processed of {NextSequence} sent.");
        }

        var freed = (int)(processed - Acknowledged);
        for (var i = 0; i < freed; i++)
        {
            _batches.Dequeue();
        }

        Acknowledged = processed;
        _quietSince = time.GetTimestamp();
        return freed;
    }

    /// <summary>
    /// The batches from <paramref name="from"/> up to (not including) <paramref name="to"/> that were sent. False when
    /// some of them are no longer held: the receiver acknowledged them, so asking again means it lost them itself.
    /// </summary>
    public bool TryReplay(long from, long to, out ChannelBatch[] batches)
    {
        if (from < Acknowledged)
        {
            batches = [];
            return false;
        }

        var end = Math.Min(to, NextSequence);
        batches = end <= from ? [] : [.. _batches.Skip((int)(from - Acknowledged)).Take((int)(end - from)).Select(b => b.Batch)];
        return true;
    }

    /// <summary>
    /// Starts a probe when one is due: batches are held, nothing was acknowledged (nor probed) for
    /// <paramref name="interval"/>, and no probe is in flight. Returns the sequence number below which every batch was
    /// sent at least <paramref name="interval"/> ago (what the receiver should have received by now), or null. The
    /// caller reports the end with <see cref="EndProbe"/>.
    /// </summary>
    public long? BeginProbe(TimeSpan interval)
    {
        if (_probing || _batches.Count == 0)
        {
            return null;
        }

        var now = time.GetTimestamp();
        if (time.GetElapsedTime(_quietSince, now) < interval)
        {
            return null;
        }

        var sentBefore = Acknowledged;
        foreach (var (batch, sentAt) in _batches)
        {
            if (time.GetElapsedTime(sentAt, now) < interval)
            {
                break;
            }

            sentBefore = batch.Sequence + 1;
        }

        _probing = true;
        return sentBefore;
    }

    /// <summary>A probe ended (answered or failed); the next is due an interval from now at the earliest.</summary>
    public void EndProbe()
    {
        _probing = false;
        _quietSince = time.GetTimestamp();
    }
}
