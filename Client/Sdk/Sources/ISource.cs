namespace OrleansFlow.Sources;

/// <summary>
/// A source of records. Each parallel subtask gets its own reader; a reader reports a position from which a new
/// reader can resume, so the source can be rewound after a failure. Readers run inside the runtime's grains: do not
/// use <c>ConfigureAwait(false)</c> in them (continuations must stay on the grain's scheduler).
/// </summary>
/// <typeparam name="T">Record type.</typeparam>
public interface ISource<T>
{
    /// <summary>Most subtasks this source can use (1 for a non-parallel source).</summary>
    int MaxParallelism { get; }

    /// <summary>Whether the source ends by itself.</summary>
    bool IsBounded { get; }

    /// <summary>Creates the reader of one subtask.</summary>
    ISourceReader<T> CreateReader(SourceReaderContext context);
}

/// <summary>What a reader is for.</summary>
/// <param name="Subtask">The subtask, from 0.</param>
/// <param name="Parallelism">Number of subtasks reading this source.</param>
/// <param name="StartPosition">Where to resume (a position a reader of the same subtask reported), or null to start.</param>
public sealed record SourceReaderContext(int Subtask, int Parallelism, long? StartPosition);

/// <summary>Reads one subtask's share of a source in batches.</summary>
/// <typeparam name="T">Record type.</typeparam>
public interface ISourceReader<T> : IDisposable
{
    /// <summary>The position after the last record returned; a reader started there continues with the next one.</summary>
    long Position { get; }

    /// <summary>
    /// Appends up to <paramref name="maxRecords"/> records to <paramref name="output"/>. Returns false once the
    /// input is exhausted (records appended by that call still count).
    /// </summary>
    ValueTask<bool> ReadBatchAsync(List<T> output, int maxRecords, CancellationToken cancellationToken);

    /// <summary>Describes where the record at <paramref name="index"/> of the last batch came from (for error messages).</summary>
    string DescribeRecord(int index);
}
