using System.Globalization;
using OrleansFlow.Sinks.Files;

namespace OrleansFlow.Sinks;

/// <summary>
/// Writes each record's text as a line. With parallelism 1 the path is the file; with more, the path is a
/// directory holding one file per subtask (<c>part-N</c>), as Flink's writeAsText.
/// <para>
/// Without checkpoints, and with at-least-once checkpoints, lines go straight to the file. At-least-once: a barrier
/// forces the lines before it to disk; after a restart the writer appends (cutting a torn last line), so the records
/// replayed since the restored checkpoint appear twice.
/// </para>
/// <para>
/// With exactly-once checkpoints (<see cref="SinkContext.ExactlyOnce"/>) the writer is a two-phase commit: lines are
/// held in pending part files in a hidden directory next to the output file (<c>.{file name}.pending/</c>), one part
/// per checkpoint, and appended to the file only when their checkpoint completes (at end of input, when the whole
/// job has finished). After any sequence of failures and restores the file equals that of a failure-free run: no
/// duplicates, no gaps, no partial lines. The hidden directory keeps a small commit log after the job finishes;
/// it may be deleted then. The file must not be changed by anyone else while the job runs.
/// </para>
/// <para>
/// Each line is <paramref name="format"/>'s text of the record; without a format function, a record that implements
/// <see cref="ISpanFormattable"/> is formatted straight into the file's buffer (no string per line), any other as its
/// <c>ToString()</c>.
/// </para>
/// </summary>
/// <typeparam name="T">Record type.</typeparam>
/// <param name="path">The output file (parallelism 1) or directory of part files.</param>
/// <param name="format">The text of a record's line, or null for the default described above.</param>
public sealed class TextFileSink<T>(string path, Func<T, string>? format = null) : ISink<T>
{
    /// <summary>Creates the writer of one subtask (a two-phase-commit writer when the job checkpoints exactly-once).</summary>
    public ICommittingSinkWriter<T> CreateWriter(SinkContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var file = context.Parallelism == 1
            ? path
            : Path.Combine(path, string.Create(CultureInfo.InvariantCulture, $"part-{context.Subtask}"));
        var directory = Path.GetDirectoryName(Path.GetFullPath(file));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var lines = new LineWriter<T>(format);
        return context.ExactlyOnce
            ? new ExactlyOnceTextFileWriter<T>(file, lines, context.Restore)
            : DirectTextFileWriter<T>.Open(file, lines, context.Restore);
    }

    /// <inheritdoc />
    ISinkWriter<T> ISink<T>.CreateWriter(SinkContext context) => CreateWriter(context);
}
