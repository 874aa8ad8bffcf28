namespace OrleansFlow.Sinks;

/// <summary>
/// Drops records and counts them, as Flink's DiscardingSink; for benchmarks. The count is of the process that runs
/// the sink (the embedded silo's process when running locally).
/// </summary>
/// <typeparam name="T">Record type.</typeparam>
public sealed class DiscardingSink<T> : ISink<T>
{
    private long _count;

    /// <summary>Records received so far by all subtasks in this process.</summary>
    public long Count => Interlocked.Read(ref _count);

    /// <inheritdoc />
    public ISinkWriter<T> CreateWriter(SinkContext context) => new Writer(this);

    private sealed class Writer(DiscardingSink<T> sink) : ISinkWriter<T>
    {
        private long _pending;

        public void Write(T record) => _pending++;

        public ValueTask FlushAsync(CancellationToken cancellationToken)
        {
            Interlocked.Add(ref sink._count, _pending);
            _pending = 0;
            return ValueTask.CompletedTask;
        }

        public ValueTask FinishAsync(CancellationToken cancellationToken) => FlushAsync(cancellationToken);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
