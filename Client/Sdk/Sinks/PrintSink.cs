using System.Globalization;

namespace OrleansFlow.Sinks;

/// <summary>
/// Prints each record's text on standard output of the process that runs the sink, one per line; with
/// parallelism above 1 each line starts with the subtask number and "&gt; ", as Flink's print().
/// </summary>
/// <typeparam name="T">Record type.</typeparam>
public sealed class PrintSink<T>(Func<T, string>? format = null) : ISink<T>
{
    private static readonly Lock ConsoleLock = new();

    /// <inheritdoc />
    public ISinkWriter<T> CreateWriter(SinkContext context) =>
        new Writer(format ?? (r => r?.ToString() ?? "null"), context.Parallelism > 1 ? string.Create(CultureInfo.InvariantCulture, $"{context.Subtask + 1}> ") : string.Empty);

    private sealed class Writer(Func<T, string> format, string prefix) : ISinkWriter<T>
    {
        private readonly StringWriter _pending = new(CultureInfo.InvariantCulture);

        public void Write(T record)
        {
            _pending.Write(prefix);
            _pending.Write(format(record));
            _pending.Write('\n');
        }

        public ValueTask FlushAsync(CancellationToken cancellationToken)
        {
            var text = _pending.GetStringBuilder();
            if (text.Length > 0)
            {
                lock (ConsoleLock)
                {
                    Console.Out.Write(text.ToString());
                    Console.Out.Flush();
                }

                text.Clear();
            }

            return ValueTask.CompletedTask;
        }

        public ValueTask FinishAsync(CancellationToken cancellationToken) => FlushAsync(cancellationToken);

        public ValueTask DisposeAsync()
        {
            _pending.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
