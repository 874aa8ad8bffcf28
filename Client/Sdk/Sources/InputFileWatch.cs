namespace OrleansFlow.Sources;

/// <summary>
/// Checks that the input file a text source reads stays the file it opened, and no shorter than what the source has
/// read or resumes from; otherwise an <see cref="InputFileChangedException"/> names the file, the position and what
/// changed. On resuming from a checkpoint the file's identity then is not known (a position is all a checkpoint
/// keeps): the file must be at least as long as the position, and the position must start a line.
/// </summary>
internal sealed class InputFileWatch(string path)
{
    private readonly FileIdentity? _identity = FileIdentity.Of(path);

    /// <summary>Checks a file opened to resume at <paramref name="position"/>; <paramref name="firstLine"/> is where its first line starts.</summary>
    public void CheckResume(FileStream stream, long position, long firstLine)
    {
        var length = RandomAccess.GetLength(stream.SafeFileHandle);
        if (length < position)
        {
            throw Changed($"is {length} bytes, shorter than the position {position} this source resumes from: it was truncated or replaced since the checkpoint");
        }

        if (position > firstLine && position < length)
        {
            Span<byte> before = stackalloc byte[1];
            if (RandomAccess.Read(stream.SafeFileHandle, before, position - 1) != 1 || before[0] != (byte)'\n')
            {
                throw Changed($"has no line starting at the position {position} this source resumes from: it was changed or replaced since the checkpoint");
            }
        }
    }

    /// <summary>Checks the file while <paramref name="bytesRead"/> of it have been read.</summary>
    public void Check(FileStream stream, long bytesRead)
    {
        if (_identity is { } opened && FileIdentity.Of(path) is var now && now != opened)
        {
            throw Changed(now is null
                ? $"was deleted or moved while the job read it (at byte {bytesRead})"
                : $"was replaced by another file while the job read it (at byte {bytesRead})");
        }

        var length = RandomAccess.GetLength(stream.SafeFileHandle);
        if (length < bytesRead)
        {
            throw Changed($"is now {length} bytes, shorter than the {bytesRead} bytes already read: it was truncated while the job read it");
        }
    }

    /// <summary>Checks a file that ended after <paramref name="bytesRead"/> bytes, where the source expected at least <paramref name="expectedEnd"/>.</summary>
    public void CheckEnd(long bytesRead, long expectedEnd)
    {
        if (bytesRead < expectedEnd)
        {
            throw Changed($"ended at byte {bytesRead}, before the {expectedEnd} bytes it had when the source opened it: it was truncated while the job read it");
        }
    }

    private InputFileChangedException Changed(string what) => new($"input file '{path}' {what}");
}
