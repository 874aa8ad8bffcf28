namespace OrleansFlow.Sinks.Files;

/// <summary>
/// Writes lines straight to the output file (no checkpoints, or at-least-once checkpoints). A checkpoint barrier
/// forces the lines written so far to disk, so nothing before a completed checkpoint is lost; after a restart the
/// writer appends (cutting a torn last line first) and the records replayed since the checkpoint appear again.
/// </summary>
internal sealed class DirectTextFileWriter<T>(StreamWriter writer, LineWriter<T> lines) : ICommittingSinkWriter<T>
{
    public void Write(T record) => lines.WriteLine(writer, record);

    public async ValueTask FlushAsync(CancellationToken cancellationToken) => await writer.FlushAsync(cancellationToken);

    public async ValueTask<byte[]> PrepareCommitAsync(long checkpointId, CancellationToken cancellationToken)
    {
        await writer.FlushAsync(cancellationToken);
        ((FileStream)writer.BaseStream).Flush(flushToDisk: true);
        return [];
    }

    public ValueTask CommitAsync(long checkpointId, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask FinishAsync(CancellationToken cancellationToken) => FlushAsync(cancellationToken);

    public ValueTask DisposeAsync() => writer.DisposeAsync();

    /// <summary>Opens <paramref name="file"/>: emptied on a fresh start, appended to (after its last whole line) on a restart.</summary>
    public static DirectTextFileWriter<T> Open(string file, LineWriter<T> lines, SinkRestore? restore)
    {
        if (restore is { State.Length: > 0 })
        {
            throw new InvalidOperationException(
                $"Cannot restore '{file}' from checkpoint {restore.CheckpointId} without exactly-once checkpoints: the checkpoint holds " +
                "pending output of an exactly-once TextFileSink writer (was the job's checkpointing mode changed?).");
        }

        if (restore is not null)
        {
            TextFileTail.CutPartialLastLine(file);
        }

        return new DirectTextFileWriter<T>(TextFileStreams.Create(file, append: restore is not null), lines);
    }
}
