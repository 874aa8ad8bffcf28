using System.Runtime.CompilerServices;
using OrleansFlow.Checkpoints;
using OrleansFlow.Execution;
using OrleansFlow.Keyed;

namespace OrleansFlow.Runtime;

/// <summary>
/// Runs a keyed operator for one subtask: gathers input records by key (across many input batches, up to the
/// keyed buffer size), calls every key's per-key grain once with all its gathered records (in channel order, each
/// with the watermark in effect when it arrived), and pushes what the grains emit into the rest of the chain.
/// It keeps the subtask's timer index and fires due timers of keys that got no records. For checkpoints it tracks
/// the keys called since the last barrier: only they write a new version of their state (incremental snapshots).
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
    KeyedAttempt attempt,
    bool trackChangedKeys,
    long[] pinnedCheckpoints)
{
    private long[] _pinned = pinnedCheckpoints;
    private readonly Dictionary<string, object> _changedKeys = new(StringComparer.Ordinal);
    private readonly List<(long CheckpointId, KeyValuePair<string, object>[] Keys)> _unconfirmed = [];
    private readonly HashSet<string> _calledKeys = new(StringComparer.Ordinal);
    private long _forwardedWatermark = long.MinValue;
    private const int MaxCachedGrains = 100_000;
    private readonly Dictionary<string, IKeyedStateGrain> _grainsByKey = new(StringComparer.Ordinal);
    private readonly TimerIndex _eventTimers = new();
    private readonly TimerIndex _processingTimers = new();

    /// <summary>The operator's current event-time watermark.</summary>
    public long Watermark { get; private set; } = long.MinValue;

    /// <summary>Records gathered and not yet sent to per-key grains.</summary>
    public int Buffered => splitter.Count;

    /// <summary>The earliest pending processing-time timer, if any.</summary>
    public long? NextProcessingTimer => _processingTimers.Earliest;

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
            var calls = new Task<KeyedOutput>[slices.Count];
            for (var i = 0; i < slices.Count; i++)
            {
                var slice = slices[i];
                if (trackChangedKeys)
                {
                    _changedKeys.TryAdd(slice.KeyText, slice.Key);
                }

                // The slices share the splitter's arrays, which its next Take reuses: flushes never overlap, and this
                // one awaits every call before it returns.
                var input = new KeyedInput(slice.Key, slice.Records, slice.Timestamps, watermark, now, slice.Watermarks, slice.Offset, slice.Count);
                calls[i] = Grain(slice.KeyText).ProcessAsync(input, attempt, cancellationToken).AsTask();
            }

            var results = await AwaitAllAsync(calls);
            for (var i = 0; i < slices.Count; i++)
            {
                CheckNotLost(results[i].FreshActivation, slices[i].KeyText);
                Emit(results[i], slices[i].KeyText, slices[i].Key);
            }
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
    /// Barrier <paramref name="checkpointId"/> (every record before it has been sent and processed): each key changed
    /// since the previous barrier copies its state and starts writing it. Returns once the copies are taken, with a
    /// task that completes when every write is durable (bytes written, keys written) and fails if any write failed.
    /// </summary>
    /// <remarks>
    /// Keys written for a checkpoint that has not completed yet are written again at the next barrier: if that
    /// checkpoint fails (a write failed, another task declined) their changes would otherwise be in no completed one.
    /// </remarks>
    public async Task<Task<(long Bytes, int Keys)>> BeginSnapshotAsync(long checkpointId, long lastCompletedId, CancellationToken cancellationToken)
    {
        foreach (var (_, earlier) in _unconfirmed)
        {
            foreach (var (keyText, key) in earlier)
            {
                _changedKeys.TryAdd(keyText, key);
            }
        }

        var changed = _changedKeys.ToArray();
        _changedKeys.Clear();
        _unconfirmed.Add((checkpointId, changed));
        var keys = Array.ConvertAll(changed, k => k.Key);
        foreach (var chunk in keys.Chunk(4096))
        {
            var fresh = await Task.WhenAll(chunk.Select(k => Grain(k).BeginSnapshotAsync(checkpointId, lastCompletedId, _pinned, attempt, cancellationToken).AsTask()));
            for (var i = 0; i < chunk.Length; i++)
            {
                CheckNotLost(fresh[i], chunk[i]);
            }
        }

        return AwaitWritesAsync(keys, checkpointId, cancellationToken);
    }

    /// <summary>
    /// A checkpoint completed: keys written for it (or earlier) need not be written again. <paramref name="pinned"/>
    /// lists the job's savepoints so far, whose versions keys keep from now on.
    /// </summary>
    public void OnCheckpointCompleted(long checkpointId, long[] pinned)
    {
        _unconfirmed.RemoveAll(u => u.CheckpointId <= checkpointId);
        if (pinned.Length > 0)
        {
            _pinned = [.. _pinned.Union(pinned).Order()];
        }
    }

    /// <summary>The subtask's timer index, for its checkpoint record.</summary>
    public List<TimerEntry> ExportTimers() =>
    [
        .. _eventTimers.Entries.Select(t => new TimerEntry(t.Time, TimeDomain.EventTime, t.KeyText, t.Key)),
        .. _processingTimers.Entries.Select(t => new TimerEntry(t.Time, TimeDomain.ProcessingTime, t.KeyText, t.Key)),
    ];

    /// <summary>Puts back the timer index recorded by the restored checkpoint.</summary>
    public void RestoreTimers(IEnumerable<TimerEntry> timers)
    {
        foreach (var timer in timers)
        {
            (timer.Domain == TimeDomain.EventTime ? _eventTimers : _processingTimers).Add(timer.Time, timer.KeyText, timer.Key);
        }
    }

    private async Task<(long Bytes, int Keys)> AwaitWritesAsync(string[] keys, long checkpointId, CancellationToken cancellationToken)
    {
        long bytes = 0;
        foreach (var chunk in keys.Chunk(4096))
        {
            bytes += (await Task.WhenAll(chunk.Select(k => Grain(k).AwaitSnapshotAsync(checkpointId, cancellationToken)))).Sum();
        }

        return (bytes, keys.Length);
    }

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
            foreach (var d in due.Where(_ => trackChangedKeys))
            {
                _changedKeys.TryAdd(d.KeyText, d.Key);
            }

            var calls = due.Select(d => Grain(d.KeyText)
                .FireTimersAsync(new KeyedTimerInput(d.Key, domain, d.Times, domain == TimeDomain.EventTime ? upTo : Watermark, now), attempt, cancellationToken).AsTask()).ToArray();
            var results = await AwaitAllAsync(calls);
            for (var i = 0; i < due.Count; i++)
            {
                CheckNotLost(results[i].FreshActivation, due[i].KeyText);
                Emit(results[i], due[i].KeyText, due[i].Key);
            }
        }
    }

    /// <summary>
    /// A key this subtask already called in this attempt answering from a fresh activation has lost its live state
    /// (its silo died): going on would compute from the checkpoint's state, so the attempt fails and restarts.
    /// </summary>
    private void CheckNotLost(bool freshActivation, string keyText)
    {
        if (!_calledKeys.Add(keyText) && freshActivation)
        {
            throw new KeyedStateLostException(
                $"The state of key '{keyText}' of operator '{operatorName}' was lost (its grain was activated again during the attempt, as after a silo crash).");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Emit(KeyedOutput result, string keyText, object key)
    {
        if (result.Timers is { } changes)
        {
            foreach (var change in changes)
            {
                var index = change.Domain == TimeDomain.EventTime ? _eventTimers : _processingTimers;
                if (change.Deleted)
                {
                    index.Remove(change.Timestamp, keyText);
                }
                else
                {
                    index.Add(change.Timestamp, keyText, key);
                }
            }
        }

        if (result.Records is { } records)
        {
            output.Push(records, result.Timestamps, 0, ((Array)records).Length, i => $"output {i} of key '{keyText}'");
        }

        foreach (var side in result.SideOutputs ?? [])
        {
            // A side output nobody reads is dropped, as in Flink.
            if (sideOutputs.TryGetValue(side.Tag, out var pusher))
            {
                pusher.Push(side.Records, side.Timestamps, 0, ((Array)side.Records).Length, i => $"side output {side.Tag} {i} of key '{keyText}'");
            }
        }
    }

    private async Task<KeyedOutput[]> AwaitAllAsync(Task<KeyedOutput>[] calls)
    {
        try
        {
            return await Task.WhenAll(calls);
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

    /// <summary>The per-key grain of a key; references are cached (bounded) since the same keys recur in every flush.</summary>
    private IKeyedStateGrain Grain(string keyText)
    {
        if (!_grainsByKey.TryGetValue(keyText, out var grain))
        {
            if (_grainsByKey.Count >= MaxCachedGrains)
            {
                _grainsByKey.Clear();
            }

            grain = grains.GetGrain<IKeyedStateGrain>(GrainKeys.KeyedState(address.JobId, operatorId, keyText));
            _grainsByKey[keyText] = grain;
        }

        return grain;
    }
}
