namespace OrleansFlow.Sources;

/// <summary>
/// A file source found its input file changed under it: shorter than the position it reads or resumes from
/// (truncated), or replaced by another file. The message names the file, the position and what changed.
/// </summary>
public sealed class InputFileChangedException : IOException
{
    /// <summary>Creates the exception.</summary>
    public InputFileChangedException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public InputFileChangedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public InputFileChangedException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
