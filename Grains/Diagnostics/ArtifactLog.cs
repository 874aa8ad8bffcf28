using Microsoft.Extensions.Logging;

namespace OrleansFlow.Diagnostics;

/// <summary>Log messages about uploaded job artifacts, source-generated.</summary>
internal static partial class ArtifactLog
{
    [LoggerMessage(OrleansFlowEventIds.ArtifactStored, LogLevel.Information, "Job artifact {ArtifactId} stored: {MainAssembly} and {Files} files, {Bytes} bytes")]
    public static partial void Stored(ILogger logger, string artifactId, string mainAssembly, int files, long bytes);

    [LoggerMessage(OrleansFlowEventIds.ArtifactLoaded, LogLevel.Information, "Job artifact {ArtifactId} ({MainAssembly}) loaded into its load context")]
    public static partial void Loaded(ILogger logger, string artifactId, string mainAssembly);

    [LoggerMessage(OrleansFlowEventIds.ArtifactUnloaded, LogLevel.Information, "Job artifact {ArtifactId}: no job on this silo uses it; its load context is unloading")]
    public static partial void Unloaded(ILogger logger, string artifactId);

    [LoggerMessage(OrleansFlowEventIds.ArtifactKept, LogLevel.Debug, "Job artifact {ArtifactId}: no job on this silo uses it, but its load context stays (Orleans' serializer caches hold its types)")]
    public static partial void Kept(ILogger logger, string artifactId);
}
