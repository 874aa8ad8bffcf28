using OrleansFlow.Execution;

namespace OrleansFlow.Runtime;

/// <summary>
/// A source subtask's loop, after Flink's SourceStreamTask: each turn of the <see cref="Mailbox"/> first injects the
/// latest requested checkpoint barrier (after recording the reader's position), then reads one batch and hands it on.
/// Between turns other mailbox actions (timers, commits) run. At the end of input, a barrier requested before the end
/// still goes out before the end. Cancellation stops the loop between batches.
/// </summary>
internal sealed class SourceLoop
{
    private readonly Mailbox _mailbox;
    private readonly int _batchSize;
    private readonly Func<int, CancellationToken, Task> _onBatchRead;
    private readonly Func<long, long, CancellationToken, Task> _snapshot;
    private readonly Func<Task> _finish;
    private long _requestedBarrier;
    private ISourceDriver? _driver;

    /// <summary>Creates the loop of one source subtask.</summary>
    /// <param name="mailbox">The subtask's mailbox; each batch is read in its own turn.</param>
    /// <param name="batchSize">Records per batch (a rate limiter may read fewer).</param>
    /// <param name="onBatchRead">Called in the turn after a batch, with its record count (metrics, watermarks, flushing).</param>
    /// <param name="snapshot">Takes the subtask's part of a checkpoint at the reader's position (in the turn).</param>
    /// <param name="finish">The input ended: finishes the subtask (in the turn).</param>
    public SourceLoop(
        Mailbox mailbox,
        int batchSize,
        Func<int, CancellationToken, Task> onBatchRead,
        Func<long, long, CancellationToken, Task> snapshot,
        Func<Task> finish)
    {
        _mailbox = mailbox;
        _batchSize = batchSize;
        _onBatchRead = onBatchRead;
        _snapshot = snapshot;
        _finish = finish;
    }

    /// <summary>The reader's position after the last batch, once the loop runs.</summary>
    public long? Position => _driver?.Position;

    /// <summary>The newest checkpoint whose barrier waits to be injected (0 for none).</summary>
    public long RequestedBarrier => _requestedBarrier;

    /// <summary>Asks for the barrier of a checkpoint before the next batch; a newer request replaces an older one not yet injected.</summary>
    public void RequestBarrier(long checkpointId) => _requestedBarrier = Math.Max(_requestedBarrier, checkpointId);

    /// <summary>Reads batches until the input ends (then finishes) or <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <param name="driver">Reads and pushes batches through the chain.</param>
    /// <param name="limiter">Keeps the source at its rate, if it has one (it also sets the batch size).</param>
    /// <param name="cancellationToken">Stops the loop.</param>
    /// <exception cref="OperationCanceledException">The loop was cancelled while waiting for a turn or reading.</exception>
    public async Task RunAsync(ISourceDriver driver, RateLimiter? limiter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(driver);
        _driver = driver;
        var batchSize = limiter?.BatchSize ?? _batchSize;
        while (!cancellationToken.IsCancellationRequested)
        {
            var (count, more) = await _mailbox.RunAsync(
                async () =>
                {
                    await InjectRequestedBarrierAsync(cancellationToken);
                    var read = await driver.RunBatchAsync(batchSize, cancellationToken);
                    await _onBatchRead(read.Count, cancellationToken);
                    return read;
                },
                cancellationToken);

            if (!more)
            {
                break;
            }

            if (limiter is not null)
            {
                await limiter.WaitAsync(count, cancellationToken);
            }

            // A chain that ends in a local sink may never await anything truly asynchronous; let other calls in.
            await Task.Yield();
        }

        if (!cancellationToken.IsCancellationRequested)
        {
            await _mailbox.RunAsync(
                async () =>
                {
                    await InjectRequestedBarrierAsync(cancellationToken); // a barrier requested before the end still precedes it
                    await _finish();
                },
                cancellationToken);
        }
    }

    private async Task InjectRequestedBarrierAsync(CancellationToken cancellationToken)
    {
        if (_requestedBarrier == 0)
        {
            return;
        }

        var checkpointId = _requestedBarrier;
        _requestedBarrier = 0;
        cancellationToken.ThrowIfCancellationRequested();
        await _snapshot(checkpointId, _driver!.Position, cancellationToken);
    }
}
