using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using OrleansFlow.Diagnostics;
using OrleansFlow.Execution;
using OrleansFlow.Keyed;

namespace OrleansFlow.Runtime;

/// <summary>
/// Runs a keyed operator for one subtask: gathers input records by key (across many input batches, up to the
/// keyed buffer size), calls every key's per-key grain once with all its gathered records (in channel order, each
/// with the watermark in effect when it arrived), and pushes what the grains emit into the rest of the chain.
/// It keeps the subtask's keys (<see cref="KeyTable"/>): a grain that does not hold its key's live state in this
/// attempt (restored from a checkpoint, or passivated) gets the key's state as a seed with its next call. It keeps the
/// subtask's timer index and fires due timers of keys that got no records, and passivates keys idle for a while.
/// </summary>
internal sealed class KeyedDispatcher(
    IGrainFactory grains,
    TaskAddress address,
    int operatorId,
    string operatorName,
    IKeySplitter splitter,
    IBatchPusher output,
    IReadOnlyDictionary<string, IBatchPusher> sideOutputs,
    object downstream,
    TimeProvider time,
    KeyTable keys,
    ILogger logger)
{
    private const int CallChunk = 4096;
    private long _forwardedWatermark = long.MinValue;
    private long _lastSequence;
    private readonly TimerIndex _eventTimers = new();
    private readonly TimerIndex _processingTimers = new();

    /// <summary>The checkpoint side (null when checkpointing is off).</summary>
    public KeyedSnapshots? Snapshots { get; init; }

    /// <summary>The operator's current event-time watermark.</summary>
    public long Watermark { get; private set; } = long.MinValue;

    /// <summary>Records gathered and not yet sent to per-key grains.</summary>
    public int Buffered => splitter.Count;

    /// <summary>The earliest pending processing-time timer, if any.</summary>
    public long? NextProcessingTimer => _processingTimers.Earliest;

    /// <summary>The subtask's keys.</summary>
    public KeyTable Keys => keys;

    /// <summary>How many times an idle key was passivated.</summary>
    public long Passivations { get; private set; }

    /// <summary>Gathers records [start, end) of a batch under the current watermark.</summary>
    public void Buffer(object records, long[]? timestamps, int start, int end)
    {
        if (end > start)
        {
            splitter.Add(records, timestamps, start, end, Watermark);
        }
    }

    /// <summary>Moves the watermark forward for the records gathered after this point; takes effect on the next flush.</summary>
    public void BufferWatermark(long watermark)
    {
        if (watermark > Watermark)
        {
            Watermark = watermark;
        }
    }

    /// <summary>
    /// Sends the gathered records to their per-key grains, then fires other keys' event-time timers up to the
    /// watermark. The buffer and the watermark are taken synchronously, so records gathered while this runs belong
    /// to the next flush.
    /// </summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var watermark = Watermark;
        var slices = splitter.Take(watermark);
        if (slices.Count > 0)
        {
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();

            // The slices share the splitter's arrays, which its next Take reuses: flushes never overlap, and this one
            // awaits every call before it returns.
            await CallInWavesAsync(
                slices,
                slice => keys.GetOrAdd(slice.KeyText, slice.Key),
                (slice, entry, grain, sequence) => grain.ProcessAsync(
                    new KeyedInput(slice.Key, slice.Records, slice.Timestamps, watermark, now, slice.Watermarks, slice.Offset, slice.Count),
                    address.Attempt, sequence, entry.SeedIfNeeded, CopyState, cancellationToken));
        }

        await FireAsync(_eventTimers, TimeDomain.EventTime, watermark, cancellationToken);
        if (watermark > _forwardedWatermark)
        {
            // Everything the grains emitted for this watermark is in the chain now: the watermark may follow it.
            _forwardedWatermark = watermark;
            ChainElements.ForwardWatermark(downstream, watermark);
        }
    }

    /// <summary>Advances the watermark and fires event-time timers up to it (after sending any gathered records).</summary>
    public async Task AdvanceWatermarkAsync(long watermark, CancellationToken cancellationToken)
    {
        BufferWatermark(watermark);
        await FlushAsync(cancellationToken);
    }

    /// <summary>Fires processing-time timers due at the current time.</summary>
    public Task FireProcessingTimersAsync(CancellationToken cancellationToken) =>
        FireAsync(_processingTimers, TimeDomain.ProcessingTime, time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken);

    /// <summary>
    /// Passivates the keys not called for <paramref name="idle"/>: each grain hands over its state (unless the table
    /// already holds a current copy) and deactivates; the key's next record or timer brings the state back as a seed.
    /// Returns how many keys were passivated.
    /// </summary>
    public async Task<int> PassivateIdleAsync(TimeSpan idle, CancellationToken cancellationToken)
    {
        var cutoff = time.GetTimestamp() - (long)(idle.TotalSeconds * time.TimestampFrequency);
        var passivated = 0;
        while (keys.IdleSince(cutoff, CallChunk) is { Count: > 0 } chunk)
        {
            var handed = await Task.WhenAll(chunk.Select(e => e.Grain!.PassivateAsync(address.Attempt, !e.ImageIsCurrent, cancellationToken).AsTask()));
            for (var i = 0; i < chunk.Count; i++)
            {
                if (handed[i].StateLost)
                {
                    throw KeyedStateLostException.For(chunk[i].KeyText, operatorName);
                }

                if (handed[i].StateImage is { } image)
                {
                    keys.SetImage(chunk[i], image);
                }

                keys.Evict(chunk[i]);
            }

            passivated += chunk.Count;
            Passivations += chunk.Count;
        }

        return passivated;
    }

    /// <summary>
    /// Puts back the keys of a restored checkpoint (its segments' items, oldest first; a later item of a key replaces an
    /// earlier one): their state copies, and their timers, read from the copies' headers.
    /// </summary>
    public void Restore(IEnumerable<(string KeyText, object Key, byte[]? Image)> items)
    {
        var restored = new Dictionary<string, (object Key, byte[]? Image)>(StringComparer.Ordinal);
        foreach (var (keyText, key, image) in items)
        {
            restored[keyText] = (key, image);
        }

        foreach (var (keyText, (key, image)) in restored)
        {
            if (image is not { Length: > 0 })
            {
                continue;
            }

            var entry = new KeyEntry(keyText, key);
            keys.AddRestored(entry, image);
            var (eventTimers, processingTimers) = State.KeyImage.Timers(image);
            foreach (var t in eventTimers)
            {
                _eventTimers.Add(t, entry);
            }

            foreach (var t in processingTimers)
            {
                _processingTimers.Add(t, entry);
            }
        }
    }

    /// <summary>The state copy the subtask holds for a key (a query of a passivated key), or null.</summary>
    public byte[]? ImageOf(string keyText) => keys.Find(keyText)?.Image is { Length: > 0 } image ? image : null;

    private async Task FireAsync(TimerIndex index, TimeDomain domain, long upTo, CancellationToken cancellationToken)
    {
        while (true)
        {
            var due = index.TakeDue(upTo);
            if (due.Count == 0)
            {
                return;
            }

            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            await CallInWavesAsync(
                due,
                d => d.Key,
                (d, entry, grain, sequence) => grain.FireTimersAsync(
                    new KeyedTimerInput(entry.Key, domain, d.Times, domain == TimeDomain.EventTime ? upTo : Watermark, now),
                    address.Attempt, sequence, entry.SeedIfNeeded, CopyState, cancellationToken));
        }
    }

    /// <summary>
    /// Calls the per-key grains of <paramref name="items"/> in waves of at most <see cref="CallChunk"/> calls (a flush
    /// over many new keys would otherwise hold a call, and an activation under way, per key at once: what memory grew
    /// with at a million keys), then takes each wave's answers in order: live state, state copies, timers, output.
    /// Each wave's calls carry the wave's sequence number, also when one is sent again after a rejection.
    /// </summary>
    private async Task CallInWavesAsync<T>(
        IReadOnlyList<T> items, Func<T, KeyEntry> entryOf, Func<T, KeyEntry, IKeyedStateGrain, long, ValueTask<KeyedOutput>> call)
    {
        var wave = Math.Min(items.Count, CallChunk);
        var entries = new KeyEntry[wave];
        var grainsOf = new IKeyedStateGrain[wave];
        var calls = new Task<KeyedOutput>[wave];
        for (var start = 0; start < items.Count; start += wave)
        {
            var count = Math.Min(wave, items.Count - start);
            if (count < calls.Length)
            {
                Array.Resize(ref calls, count);
            }

            var sequence = ++_lastSequence;
            for (var i = 0; i < count; i++)
            {
                var entry = entries[i] = entryOf(items[start + i]);
                var grain = grainsOf[i] = GrainOf(entry);
                calls[i] = call(items[start + i], entry, grain, sequence).AsTask();
            }

            var first = start;
            var results = await AwaitAllAsync(calls, i => call(items[first + i], entries[i], grainsOf[i], sequence).AsTask(), i => entries[i].KeyText);
            var touched = time.GetTimestamp();
            for (var i = 0; i < count; i++)
            {
                Called(entries[i], grainsOf[i], results[i], touched);
                Emit(results[i], entries[i]);
            }
        }
    }

    /// <summary>A key's grain answered a call: it holds the key's live state now (or lost it, which fails the attempt).</summary>
    private void Called(KeyEntry entry, IKeyedStateGrain grain, KeyedOutput result, long touched)
    {
        if (result.StateLost)
        {
            throw KeyedStateLostException.For(entry.KeyText, operatorName);
        }

        if (result.Repeated)
        {
            throw KeyedStateLostException.AnswerLost(entry.KeyText, operatorName);
        }

        keys.Touch(entry, grain, touched);
        Snapshots?.OnCalled(entry);
        if (result.StateImage is { } image)
        {
            keys.SetImage(entry, image);
        }
        else
        {
            entry.ImageIsCurrent = false;
        }
    }

    /// <summary>With checkpointing on, every answer brings a copy of the key's state, so a barrier calls no key.</summary>
    private bool CopyState => Snapshots is not null;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Emit(KeyedOutput result, KeyEntry entry)
    {
        if (result.Timers is { } changes)
        {
            foreach (var change in changes)
            {
                var index = change.Domain == TimeDomain.EventTime ? _eventTimers : _processingTimers;
                if (change.Deleted)
                {
                    index.Remove(change.Timestamp, entry);
                }
                else
                {
                    index.Add(change.Timestamp, entry);
                }
            }
        }

        if (result.Records is { } records)
        {
            output.Push(records, result.Timestamps, 0, ((Array)records).Length, i => $"output {i} of key '{entry.KeyText}'");
        }

        foreach (var side in result.SideOutputs ?? [])
        {
            // A side output nobody reads is dropped, as in Flink.
            if (sideOutputs.TryGetValue(side.Tag, out var pusher))
            {
                pusher.Push(side.Records, side.Timestamps, 0, ((Array)side.Records).Length, i => $"side output {side.Tag} {i} of key '{entry.KeyText}'");
            }
        }
    }

    /// <summary>The wave's answers; calls Orleans rejected are sent again (<see cref="RejectedCallResender"/>).</summary>
    private async Task<KeyedOutput[]> AwaitAllAsync(Task<KeyedOutput>[] calls, Func<int, Task<KeyedOutput>> resend, Func<int, string> keyOf)
    {
        try
        {
            return await RejectedCallResender.AwaitAllAsync(calls, resend, (rejected, e) => Log.KeyedCallsResent(logger, GrainKeys.Task(address.JobId, address.VertexId, address.Subtask, address.Attempt), rejected.Count, keyOf(rejected[0]), e.Message));
        }
        catch (UserFunctionException)
        {
            throw;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new UserFunctionException(e.Message, e) { OperatorName = operatorName };
        }
    }

    /// <summary>The per-key grain of a key (a resident key keeps its reference).</summary>
    private IKeyedStateGrain GrainOf(KeyEntry entry) =>
        entry.Grain ?? grains.GetGrain<IKeyedStateGrain>(GrainKeys.KeyedState(address.JobId, operatorId, entry.KeyText));
}
