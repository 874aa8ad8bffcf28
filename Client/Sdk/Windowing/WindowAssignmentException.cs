namespace OrleansFlow.Windowing;

/// <summary>
/// A time-window assigner met a timestamp whose window cannot be represented: its start or end would pass the range
/// of a 64-bit millisecond time. Such a record is a bad record, never silently given a window that wrapped around.
/// </summary>
public sealed class WindowAssignmentException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WindowAssignmentException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public WindowAssignmentException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public WindowAssignmentException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>The exception for <paramref name="time"/>, whose <paramref name="kind"/> window would pass the range.</summary>
    internal static WindowAssignmentException OutOfRange(long time, string kind, long length) =>
        new($"timestamp {time} has no {kind} window: its window of {length} ms would pass the range of a 64-bit time " +
            $"({long.MinValue} to {long.MaxValue})");
}
