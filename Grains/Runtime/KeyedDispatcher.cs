using OrleansFlow.Execution;
using OrleansFlow.Keyed;

namespace OrleansFlow.Runtime;

/// <summary>
/// Runs a keyed operator for one subtask: groups each batch by key, calls every key's per-key grain once with all
/// its records (in channel order), and pushes what the grains emit into the rest of the chain. It keeps the
/// subtask's timer index and fires due timers when the watermark or the clock passes them.
/// </summary>
internal sealed class KeyedDispatcher(
    IGrainFactory grains,
    TaskAddress address,
    int operatorId,
    string operatorName,
    IKeySplitter splitter,
    IBatchPusher output,
    TimeProvider time)
{
    private readonly TimerIndex _eventTimers = new();
    private readonly TimerIndex _processingTimers = new();

    /// <summary>The operator's current event-time watermark.</summary>
    public long Watermark { get; private set; } = long.MinValue;

    /// <summary>The earliest pending processing-time timer, if any.</summary>
    public long? NextProcessingTimer => _processingTimers.Earliest;

    public async Task ProcessAsync(object records, int start, int end, CancellationToken cancellationToken)
    {
        var slices = splitter.Split(records, start, end);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var calls = new Task<KeyedOutput>[slices.Count];
        for (var i = 0; i < slices.Count; i++)
        {
            var slice = slices[i];
            calls[i] = Grain(slice.KeyText).ProcessAsync(new KeyedInput(slice.Key, slice.Records, null, Watermark, now), address.Attempt, cancellationToken).AsTask();
        }

        var results = await AwaitAllAsync(calls);
        for (var i = 0; i < slices.Count; i++)
        {
            Emit(results[i], slices[i].KeyText, slices[i].Key);
        }
    }

    /// <summary>Advances the watermark and fires event-time timers up to it (timers they set at or before it fire too).</summary>
    public async Task AdvanceWatermarkAsync(long watermark, CancellationToken cancellationToken)
    {
        if (watermark <= Watermark)
        {
            return;
        }

        Watermark = watermark;
        await FireAsync(_eventTimers, TimeDomain.EventTime, watermark, cancellationToken);
    }

    /// <summary>Fires processing-time timers due at the current time.</summary>
    public Task FireProcessingTimersAsync(CancellationToken cancellationToken) =>
        FireAsync(_processingTimers, TimeDomain.ProcessingTime, time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken);

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
            var calls = due.Select(d => Grain(d.KeyText)
                .FireTimersAsync(new KeyedTimerInput(d.Key, domain, d.Times, Watermark, now), address.Attempt, cancellationToken).AsTask()).ToArray();
            var results = await AwaitAllAsync(calls);
            for (var i = 0; i < due.Count; i++)
            {
                Emit(results[i], due[i].KeyText, due[i].Key);
            }
        }
    }

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
            output.Push(records, 0, ((Array)records).Length, i => $"output {i} of key '{keyText}'");
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

    private IKeyedStateGrain Grain(string keyText) =>
        grains.GetGrain<IKeyedStateGrain>(GrainKeys.KeyedState(address.JobId, operatorId, keyText));
}
