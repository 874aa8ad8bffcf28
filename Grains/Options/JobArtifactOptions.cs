namespace OrleansFlow.Configuration;

/// <summary>Limits on uploaded job artifacts.</summary>
public sealed class JobArtifactOptions
{
    /// <summary>The default of <see cref="MaxSizeBytes"/>: 32 MiB.</summary>
    public const long DefaultMaxSizeBytes = 32L * 1024 * 1024;

    /// <summary>
    /// The largest artifact (job assembly plus private dependencies) a silo accepts, in bytes (default 32 MiB). An
    /// upload above it is refused naming both sizes. Orleans' own message size limit (100 MB by default) caps it too.
    /// </summary>
    public long MaxSizeBytes { get; set; } = DefaultMaxSizeBytes;
}
