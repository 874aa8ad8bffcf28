namespace OrleansFlow.Sinks.Files;

/// <summary>
/// A two-phase-commit text file writer. Records go to the writer's in-progress file; barrier n seals it as the part
/// of checkpoint n; commit n appends the parts up to n to the output through <see cref="TextFileCommitter"/>. End of
/// input seals the tail as the final part (checkpoint <see cref="long.MaxValue"/>), which
/// <c>CommitAsync(long.MaxValue)</c> appends once the whole job has finished.
/// </summary>
internal sealed class ExactlyOnceTextFileWriter<T> : ICommittingSinkWriter<T>
{
    private readonly PendingFileLayout _layout;
    private readonly TextFileCommitter _committer;
    private readonly LineWriter<T> _lines;
    private readonly string _writer = Guid.NewGuid().ToString("N");
    private readonly SortedDictionary<long, string> _sealed = [];
    private StreamWriter? _inProgress;
    private long _lastSealed;
    private bool _finished;

    public ExactlyOnceTextFileWriter(string file, LineWriter<T> lines, SinkRestore? restore)
    {
        _layout = new PendingFileLayout(file);
        _lines = lines;
        if (restore is null)
        {
            _committer = TextFileCommitter.StartFresh(_layout);
        }
        else
        {
            var writer = TextFileSinkState.Decode(restore, _layout.OutputFile);
            _committer = TextFileCommitter.Recover(_layout, restore.CheckpointId, writer);
            _lastSealed = restore.CheckpointId;
        }
    }

    public void Write(T record)
    {
        if (_finished)
        {
            throw new InvalidOperationException($"The writer of '{_layout.OutputFile}' has finished; it takes no more records.");
        }

        _lines.WriteLine(_inProgress ??= OpenInProgress(), record);
    }

    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        if (_inProgress is not null)
        {
            await _inProgress.FlushAsync(cancellationToken);
        }
    }

    public async ValueTask<byte[]> PrepareCommitAsync(long checkpointId, CancellationToken cancellationToken)
    {
        if (checkpointId == long.MaxValue && _finished)
        {
            // The final part was sealed by FinishAsync; the runtime may still ask for the state that names it.
            return TextFileSinkState.Encode(_writer);
        }

        if (checkpointId == long.MaxValue || _finished || checkpointId <= _lastSealed)
        {
            throw new InvalidOperationException(
                $"Cannot seal checkpoint {checkpointId} for '{_layout.OutputFile}': " +
                (checkpointId == long.MaxValue ? "that id is reserved for the final part, which FinishAsync seals."
                    : _finished ? "the writer has finished."
                    : $"checkpoint {_lastSealed} was sealed already and ids must increase."));
        }

        await SealAsync(checkpointId, cancellationToken);
        return TextFileSinkState.Encode(_writer);
    }

    public ValueTask CommitAsync(long checkpointId, CancellationToken cancellationToken)
    {
        while (_sealed.Count > 0)
        {
            var (id, path) = _sealed.First();
            if (id > checkpointId)
            {
                break;
            }

            cancellationToken.ThrowIfCancellationRequested();
            _committer.Commit(id, path);
            _sealed.Remove(id);
        }

        return ValueTask.CompletedTask;
    }

    public async ValueTask FinishAsync(CancellationToken cancellationToken)
    {
        if (_finished)
        {
            return;
        }

        await SealAsync(long.MaxValue, cancellationToken);
        _finished = true;
    }

    public async ValueTask DisposeAsync()
    {
        if (_inProgress is not null)
        {
            await _inProgress.DisposeAsync();
            _inProgress = null;
            File.Delete(_layout.InProgressPath(_writer));
        }
    }

    /// <summary>Forces the in-progress file to disk and renames it to the part of <paramref name="checkpointId"/> (nothing when empty).</summary>
    private async ValueTask SealAsync(long checkpointId, CancellationToken cancellationToken)
    {
        _lastSealed = checkpointId;
        if (_inProgress is null)
        {
            return;
        }

        await _inProgress.FlushAsync(cancellationToken);
        ((FileStream)_inProgress.BaseStream).Flush(flushToDisk: true);
        await _inProgress.DisposeAsync();
        _inProgress = null;
        var part = _layout.SealedPath(_writer, checkpointId);
        File.Move(_layout.InProgressPath(_writer), part);
        _sealed.Add(checkpointId, part);
    }

    private StreamWriter OpenInProgress()
    {
        Directory.CreateDirectory(_layout.Directory);
        return TextFileStreams.Create(_layout.InProgressPath(_writer), append: false);
    }
}
