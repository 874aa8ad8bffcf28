namespace OrleansFlow.Sources;

/// <summary>A non-parallel source over a fixed list; its position is the index of the next element.</summary>
/// <typeparam name="T">Record type.</typeparam>
public sealed class CollectionSource<T>(IReadOnlyList<T> items) : ISource<T>
{
    /// <inheritdoc />
    public int MaxParallelism => 1;

    /// <inheritdoc />
    public bool IsBounded => true;

    /// <inheritdoc />
    public ISourceReader<T> CreateReader(SourceReaderContext context) => new Reader(items, context.StartPosition ?? 0);

    private sealed class Reader(IReadOnlyList<T> items, long start) : ISourceReader<T>
    {
        private long _batchStart = start;

        public long Position { get; private set; } = start;

        public ValueTask<bool> ReadBatchAsync(List<T> output, int maxRecords, CancellationToken cancellationToken)
        {
            _batchStart = Position;
            var end = Math.Min(items.Count, Position + maxRecords);
            for (var i = (int)Position; i < end; i++)
            {
                output.Add(items[i]);
            }

            Position = end;
            return ValueTask.FromResult(Position < items.Count);
        }

        public string DescribeRecord(int index) => $"element {_batchStart + index} of the collection";

        public void Dispose()
        {
        }
    }
}
