using OrleansFlow.Sources;

namespace OrleansFlow.Tests.Fixtures;

/// <summary>
/// Wraps a source so that a test can hold its readers at a local position (<see cref="FaultInjection.HoldSourcesAt"/>):
/// a held reader returns empty batches, so its subtask keeps running, takes checkpoints and waits for nothing but the
/// hold; the test moves the hold when the conditions it waits for are met, instead of betting on how long a rate-limited
/// input lasts. Unheld, it reads exactly as the wrapped source.
/// </summary>
public sealed class HeldSource<T>(ISource<T> inner, FaultInjection faults) : ISource<T>
{
    /// <summary>How long a held reader waits for the hold to move before it returns an empty batch (letting barriers in).</summary>
    private static readonly TimeSpan HeldPoll = TimeSpan.FromMilliseconds(20);

    public int MaxParallelism => inner.MaxParallelism;

    public bool IsBounded => inner.IsBounded;

    public ISourceReader<T> CreateReader(SourceReaderContext context) => new Reader(inner.CreateReader(context), faults);

    private sealed class Reader(ISourceReader<T> inner, FaultInjection faults) : ISourceReader<T>
    {
        public long Position => inner.Position;

        public async ValueTask<bool> ReadBatchAsync(List<T> output, int maxRecords, CancellationToken cancellationToken)
        {
            var moved = faults.SourceLimitMoved;
            var allowed = faults.SourceLimit - inner.Position;
            if (allowed <= 0)
            {
                await Task.WhenAny(moved, Task.Delay(HeldPoll, cancellationToken));
                cancellationToken.ThrowIfCancellationRequested();
                return true;
            }

            return await inner.ReadBatchAsync(output, (int)Math.Min(maxRecords, allowed), cancellationToken);
        }

        public string DescribeRecord(int index) => inner.DescribeRecord(index);

        public void Dispose() => inner.Dispose();
    }
}
