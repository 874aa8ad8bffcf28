namespace OrleansFlow.Sinks.Files;

/// <summary>
/// Appends sealed parts to an output file exactly once. A commit cuts the output back to the length in the commit
/// log (dropping a torn append), appends the part, forces the output to disk, replaces the log atomically and only
/// then deletes the part; a part whose checkpoint the log already holds is only deleted. A crash at any point
/// therefore leaves either the old log (the append is redone) or the new one (the append is done).
/// File operations are synchronous: the runtime calls a writer from one grain turn at a time.
/// </summary>
internal sealed class TextFileCommitter
{
    private readonly PendingFileLayout _layout;
    private CommitLog _log;

    private TextFileCommitter(PendingFileLayout layout, CommitLog log)
    {
        _layout = layout;
        _log = log;
    }

    /// <summary>The last checkpoint whose part is in the output (0 for none).</summary>
    public long LastCommitted => _log.LastCommitted;

    /// <summary>A fresh start: forgets every pending file, empties the output and starts a new commit log.</summary>
    public static TextFileCommitter StartFresh(PendingFileLayout layout)
    {
        Directory.CreateDirectory(layout.Directory);
        DeleteAll(layout);
        using (new FileStream(layout.OutputFile, FileMode.Create, FileAccess.Write, FileShare.Read))
        {
        }

        var log = new CommitLog(0, 0);
        log.Write(layout.CommitLogPath, layout.CommitLogTempPath);
        return new TextFileCommitter(layout, log);
    }

    /// <summary>
    /// A restart from checkpoint <paramref name="checkpointId"/>, whose state named <paramref name="writer"/>: cuts a
    /// torn append, appends what that writer sealed up to the checkpoint and is not yet in the output, and deletes
    /// every other pending file (parts sealed after the checkpoint, in-progress files, files of older writers).
    /// </summary>
    public static TextFileCommitter Recover(PendingFileLayout layout, long checkpointId, string writer)
    {
        var log = CommitLog.Read(layout.CommitLogPath) ?? throw new InvalidOperationException(
            $"Cannot restore '{layout.OutputFile}' from checkpoint {checkpointId}: its commit log '{layout.CommitLogPath}' is missing " +
            "(the pending directory was deleted, or the file was not written by an exactly-once TextFileSink).");
        if (log.LastCommitted > checkpointId)
        {
            throw new InvalidOperationException(
                $"Cannot restore '{layout.OutputFile}' from checkpoint {checkpointId}: it already holds the output of the later " +
                $"checkpoint {log.LastCommitted}, which would appear twice. Restore from checkpoint {log.LastCommitted} or later.");
        }

        var committer = new TextFileCommitter(layout, log);
        committer.CutTornAppend();
        var toCommit = new List<PendingFile>();
        foreach (var file in layout.List())
        {
            if (file.Writer == writer && file.CheckpointId is { } id && id <= checkpointId)
            {
                toCommit.Add(file);
            }
            else
            {
                File.Delete(file.Path);
            }
        }

        File.Delete(layout.CommitLogTempPath);
        foreach (var part in toCommit.OrderBy(p => p.CheckpointId))
        {
            committer.Commit(part.CheckpointId!.Value, part.Path);
        }

        return committer;
    }

    /// <summary>Appends the part sealed for <paramref name="checkpointId"/> unless the log already holds it, then deletes it.</summary>
    public void Commit(long checkpointId, string partPath)
    {
        if (checkpointId <= _log.LastCommitted)
        {
            File.Delete(partPath);
            return;
        }

        long length;
        using (var output = OpenOutputAtCommittedLength())
        {
            using (var part = new FileStream(partPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan))
            {
                part.CopyTo(output, 1 << 16);
            }

            length = output.Position;
            output.Flush(flushToDisk: true);
        }

        var log = new CommitLog(checkpointId, length);
        log.Write(_layout.CommitLogPath, _layout.CommitLogTempPath);
        _log = log;
        File.Delete(partPath);
    }

    private void CutTornAppend()
    {
        using var output = OpenOutputAtCommittedLength();
        output.Flush(flushToDisk: true);
    }

    /// <summary>Opens the output positioned at the committed length, cutting whatever follows it.</summary>
    private FileStream OpenOutputAtCommittedLength()
    {
        var output = new FileStream(_layout.OutputFile, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read, 1 << 16);
        try
        {
            if (output.Length < _log.Length)
            {
                throw new InvalidOperationException(
                    $"'{_layout.OutputFile}' has {output.Length} bytes but its commit log says {_log.Length} were committed: " +
                    "the file was changed outside the job, so exactly-once output cannot be continued.");
            }

            output.SetLength(_log.Length);
            output.Position = _log.Length;
            return output;
        }
        catch
        {
            output.Dispose();
            throw;
        }
    }

    private static void DeleteAll(PendingFileLayout layout)
    {
        foreach (var file in layout.List())
        {
            File.Delete(file.Path);
        }

        File.Delete(layout.CommitLogTempPath);
    }
}
