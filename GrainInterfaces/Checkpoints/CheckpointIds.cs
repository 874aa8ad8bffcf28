namespace OrleansFlow.Checkpoints;

/// <summary>Special checkpoint ids.</summary>
public static class CheckpointIds
{
    /// <summary>No checkpoint: a fresh start.</summary>
    public const long None = 0;

    /// <summary>
    /// The end of a bounded job: once every task finished, sinks commit what they sealed at end of input as if a
    /// checkpoint with this id had completed.
    /// </summary>
    public const long EndOfInput = long.MaxValue;
}
