namespace OrleansFlow.Sinks.Files;

/// <summary>
/// Appends sealed parts to an output file exactly once. A commit takes the <see cref="CommitLock"/>, reads the commit
/// log, cuts the output back to the logged length (dropping a torn append), appends the part, forces the output to
/// disk, replaces the log atomically and only then deletes the part; a part whose checkpoint the log already holds is
/// only deleted. A crash at any point therefore leaves either the old log (the append is redone) or the new one (the
/// append is done). The log is read from disk every time, so a writer with an outdated view (an older attempt) can
/// never cut what its successor committed. File operations are synchronous: the runtime calls a writer from one
/// grain turn at a time, and restores happen in <c>CreateWriter</c>.
/// </summary>
internal sealed class TextFileCommitter(PendingFileLayout layout)
{
    /// <summary>A fresh start: forgets every pending file, empties the output and starts a new commit log.</summary>
    public static TextFileCommitter StartFresh(PendingFileLayout layout)
    {
        Directory.CreateDirectory(layout.Directory);
        using (CommitLock.Acquire(layout))
        {
            foreach (var file in layout.List())
            {
                File.Delete(file.Path);
            }

            File.Delete(layout.CommitLogTempPath);
            using (new FileStream(layout.OutputFile, FileMode.Create, FileAccess.Write, FileShare.Read))
            {
            }

            new CommitLog(0, 0).Write(layout.CommitLogPath, layout.CommitLogTempPath);
        }

        return new TextFileCommitter(layout);
    }

    /// <summary>
    /// A restart from checkpoint <paramref name="checkpointId"/>, whose state named <paramref name="writer"/>: cuts a
    /// torn append, appends what that writer sealed up to the checkpoint and is not yet in the output, and deletes
    /// every other pending file (parts sealed after the checkpoint, in-progress files, files of older writers).
    /// </summary>
    public static TextFileCommitter Recover(PendingFileLayout layout, long checkpointId, string writer)
    {
        if (!Directory.Exists(layout.Directory))
        {
            throw MissingLog(layout, checkpointId);
        }

        using (CommitLock.Acquire(layout))
        {
            var log = ReadLog(layout, checkpointId);
            if (log.LastCommitted > checkpointId)
            {
                throw new InvalidOperationException(
                    $"Cannot restore '{layout.OutputFile}' from checkpoint {checkpointId}: it already holds the output of the later " +
                    $"checkpoint {log.LastCommitted}, which would appear twice. Restore from checkpoint {log.LastCommitted} or later.");
            }

            using (OpenOutputAt(layout, log))
            {
            }

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
                log = Append(layout, log, part.CheckpointId!.Value, part.Path);
            }
        }

        return new TextFileCommitter(layout);
    }

    /// <summary>Appends the part sealed for <paramref name="checkpointId"/> unless the log already holds it, then deletes it.</summary>
    public void Commit(long checkpointId, string partPath)
    {
        using (CommitLock.Acquire(layout))
        {
            Append(layout, ReadLog(layout, checkpointId), checkpointId, partPath);
        }
    }

    private static CommitLog Append(PendingFileLayout layout, CommitLog log, long checkpointId, string partPath)
    {
        if (checkpointId <= log.LastCommitted)
        {
            File.Delete(partPath);
            return log;
        }


        long length;
        using (var output = OpenOutputAt(layout, log))
        {
            using (var part = new FileStream(partPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan))
            {
                part.CopyTo(output, 1 << 16);
            }

            length = output.Position;
            output.Flush(flushToDisk: true);
        }

        var appended = new CommitLog(checkpointId, length);
        appended.Write(layout.CommitLogPath, layout.CommitLogTempPath);
        File.Delete(partPath);
        return appended;
    }

    private static CommitLog ReadLog(PendingFileLayout layout, long checkpointId) =>
        CommitLog.Read(layout.CommitLogPath) ?? throw MissingLog(layout, checkpointId);

    private static InvalidOperationException MissingLog(PendingFileLayout layout, long checkpointId) => new(
        $"Cannot restore or commit '{layout.OutputFile}' at checkpoint {checkpointId}: its commit log '{layout.CommitLogPath}' is missing " +
        "(the pending directory was deleted, or the file was not written by an exactly-once TextFileSink).");

    /// <summary>Opens the output positioned at the logged length, cutting whatever follows it (a torn append).</summary>
    private static FileStream OpenOutputAt(PendingFileLayout layout, CommitLog log)
    {
        var output = new FileStream(layout.OutputFile, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read, 1 << 16);
        try
        {
            if (output.Length < log.Length)
            {
                throw new InvalidOperationException(
                    $"'{layout.OutputFile}' has {output.Length} bytes but its commit log says {log.Length} were committed: " +
                    "the file was changed outside the job, so exactly-once output cannot be continued.");
            }

            if (output.Length > log.Length)
            {
                output.SetLength(log.Length);
                output.Flush(flushToDisk: true);
            }

            output.Position = log.Length;
            return output;
        }
        catch
        {
            output.Dispose();
            throw;
        }
    }
}
