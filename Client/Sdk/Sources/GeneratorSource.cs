namespace OrleansFlow.Sources;

/// <summary>
/// A deterministic parallel generator: record <c>i</c> is <c>generate(i)</c>. Subtask s of p produces the indices
/// s, s+p, s+2p, ... below <c>count</c> (or forever when unbounded). Its position is the next local index.
/// </summary>
/// <typeparam name="T">Record type.</typeparam>
public sealed class GeneratorSource<T>(Func<long, T> generate, long? count) : ISource<T>
{
    /// <inheritdoc />
    public int MaxParallelism => int.MaxValue;

    /// <inheritdoc />
    public bool IsBounded => count.HasValue;

    /// <inheritdoc />
    public ISourceReader<T> CreateReader(SourceReaderContext context) => new Reader(generate, count, context);

    private sealed class Reader(Func<long, T> generate, long? count, SourceReaderContext context) : ISourceReader<T>
    {
        private long _batchStart;

        public long Position { get; private set; } = context.StartPosition ?? 0;

        public ValueTask<bool> ReadBatchAsync(List<T> output, int maxRecords, CancellationToken cancellationToken)
        {
            _batchStart = Position;
            for (var n = 0; n < maxRecords; n++)
            {
                var index = Index(Position);
                if (count is { } total && index >= total)
                {
                    return ValueTask.FromResult(false);
                }

                output.Add(generate(index));
                Position++;
            }

            return ValueTask.FromResult(count is not { } limit || Index(Position) < limit);
        }

        public string DescribeRecord(int index) => $"generated record {Index(_batchStart + index)}";

        private long Index(long local) => context.Subtask + (local * context.Parallelism);

        public void Dispose()
        {
        }
    }
}
