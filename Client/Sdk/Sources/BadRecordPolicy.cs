namespace OrleansFlow.Sources;

/// <summary>What a source does with input its parse function rejects (a line, a stream entry). Nothing is ever dropped silently.</summary>
public sealed record BadRecordPolicy
{
    private BadRecordPolicy(string? errorFile) => ErrorFile = errorFile;

    /// <summary>Fail the job with the file, line number and reason (the default).</summary>
    public static BadRecordPolicy Fail { get; } = new((string?)null);

    /// <summary>The file that receives rejected lines, or null to fail.</summary>
    public string? ErrorFile { get; }

    /// <summary>Write each rejected line, with its line number and reason, to <paramref name="errorFile"/> and go on.</summary>
    public static BadRecordPolicy WriteTo(string errorFile)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(errorFile);
        return new BadRecordPolicy(errorFile);
    }
}
