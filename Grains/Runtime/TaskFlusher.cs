using OrleansFlow.Execution;

namespace OrleansFlow.Runtime;

/// <summary>
/// Sends on what a subtask gathered. A keyed head's buffered input goes to its per-key grains, when the buffer is full
/// in the background (pipelining: the subtask keeps gathering while the grains work); keyed flushes never overlap,
/// which keeps each key's calls in order. Sink and channel output is flushed one flush at a time, in the
/// <see cref="SinkLane"/>, so each channel's sends stay in sequence.
/// </summary>
/// <param name="keyed">The dispatcher of a keyed head, or null.</param>
/// <param name="sinks">The chain's sinks.</param>
/// <param name="flushChannels">Sends pending channel output (<see cref="OutputGate.FlushAsync"/>).</param>
/// <param name="onBackgroundFailure">Hears of a background flush that failed (nobody awaits it).</param>
/// <param name="cancellation">The subtask's token: once cancelled, a background flush's cancellation is no failure.</param>
internal sealed class TaskFlusher(
    KeyedDispatcher? keyed,
    IReadOnlyList<ISinkCollector> sinks,
    Func<CancellationToken, Task> flushChannels,
    Func<Exception, Task> onBackgroundFailure,
    CancellationToken cancellation)
    : IDisposable
{
    /// <summary>The mailbox output flushes run in; sealing and committing sinks share it.</summary>
    public Mailbox SinkLane { get; } = new();

    /// <summary>The keyed flush running in the background (completed if none).</summary>
    public Task Background { get; private set; } = Task.CompletedTask;

    /// <summary>Waits for the previous keyed flush, then starts flushing the full buffer without waiting.</summary>
    public async Task StartInBackgroundAsync(CancellationToken cancellationToken)
    {
        await Background;
        Background = FlushInBackgroundAsync(cancellationToken);
    }

    /// <summary>Waits for the background flush, then sends the keyed buffer and flushes the outputs.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        await Background;
        await FlushCoreAsync(cancellationToken);
    }

    /// <summary>Flushes sinks and sends pending channel output; one flush at a time per subtask (the sink lane).</summary>
    public Task FlushOutputsAsync(CancellationToken cancellationToken) =>
        SinkLane.RunAsync(
            async () =>
            {
                foreach (var sink in sinks)
                {
                    await sink.FlushAsync(cancellationToken);
                }

                await flushChannels(cancellationToken);
            },
            cancellationToken);

    /// <inheritdoc/>
    public void Dispose() => SinkLane.Dispose();

    private async Task FlushInBackgroundAsync(CancellationToken cancellationToken)
    {
        try
        {
            await FlushCoreAsync(cancellationToken);
        }
        catch (Exception e) when (!cancellation.IsCancellationRequested || e is not OperationCanceledException)
        {
            await onBackgroundFailure(e);
        }
    }

    private async Task FlushCoreAsync(CancellationToken cancellationToken)
    {
        if (keyed is { Buffered: > 0 })
        {
            await keyed.FlushAsync(cancellationToken);
        }

        await FlushOutputsAsync(cancellationToken);
    }
}
