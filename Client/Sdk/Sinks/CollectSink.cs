namespace OrleansFlow.Sinks;

/// <summary>
/// Gathers records in the cluster so the submitting client can read them (see <c>JobClient.ReadCollectedAsync</c>).
/// Meant for tests and small results.
/// </summary>
/// <typeparam name="T">Record type; it must be serializable by Orleans.</typeparam>
public sealed class CollectSink<T> : ISink<T>
{
    /// <summary>The sink operator's id, known once the stream is built.</summary>
    internal int OperatorId { get; set; } = -1;

    /// <inheritdoc />
    public ISinkWriter<T> CreateWriter(SinkContext context) =>
        new Writer(context.CollectedResults ?? throw new InvalidOperationException("Collect sinks need the OrleansFlow runtime."));

    private sealed class Writer(Func<object, CancellationToken, Task> deliver) : ISinkWriter<T>
    {
        private readonly List<T> _pending = [];

        public void Write(T record) => _pending.Add(record);

        public async ValueTask FlushAsync(CancellationToken cancellationToken)
        {
            if (_pending.Count == 0)
            {
                return;
            }

            var batch = _pending.ToArray();
            _pending.Clear();
            await deliver(batch, cancellationToken);
        }

        public ValueTask FinishAsync(CancellationToken cancellationToken) => FlushAsync(cancellationToken);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
