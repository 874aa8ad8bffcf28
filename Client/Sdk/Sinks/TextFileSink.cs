using System.Globalization;
using System.Text;

namespace OrleansFlow.Sinks;

/// <summary>
/// Writes each record's text as a line. With parallelism 1 the path is the file; with more, the path is a
/// directory holding one file per subtask (<c>part-N</c>), as Flink's writeAsText.
/// </summary>
/// <typeparam name="T">Record type.</typeparam>
public sealed class TextFileSink<T>(string path, Func<T, string>? format = null) : ISink<T>
{
    /// <inheritdoc />
    public ISinkWriter<T> CreateWriter(SinkContext context)
    {
        var file = context.Parallelism == 1
            ? path
            : Path.Combine(path, string.Create(CultureInfo.InvariantCulture, $"part-{context.Subtask}"));
        var directory = Path.GetDirectoryName(Path.GetFullPath(file));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        return new Writer(new StreamWriter(file, append: false, new UTF8Encoding(false), 1 << 16) { NewLine = "\n" }, format ?? (r => r?.ToString() ?? "null"));
    }

    private sealed class Writer(StreamWriter writer, Func<T, string> format) : ISinkWriter<T>
    {
        public void Write(T record) => writer.WriteLine(format(record));

        public async ValueTask FlushAsync(CancellationToken cancellationToken) => await writer.FlushAsync(cancellationToken);

        public ValueTask FinishAsync(CancellationToken cancellationToken) => FlushAsync(cancellationToken);

        public ValueTask DisposeAsync() => writer.DisposeAsync();
    }
}
