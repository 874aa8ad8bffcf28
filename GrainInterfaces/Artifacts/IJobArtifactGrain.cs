namespace OrleansFlow.Artifacts;

/// <summary>
/// One uploaded job artifact (key: its content hash, <see cref="JobArtifact.Id"/>), kept through grain persistence
/// (the storage provider named <see cref="FlowNames.ArtifactStorage"/>) so every silo, including one that joins later,
/// can load it.
/// </summary>
[Alias("flow.IJobArtifactGrain")]
public interface IJobArtifactGrain : IGrainWithStringKey
{
    /// <summary>Whether the artifact is stored.</summary>
    [Alias("Exists")]
    Task<bool> ExistsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Stores <paramref name="artifact"/> (a no-op when it is already stored). Refused, with the reason, when the
    /// cluster requires a submission token and <paramref name="submissionToken"/> is not it, when the content does not
    /// match the id, or when it exceeds the cluster's size limit.
    /// </summary>
    [Alias("Upload")]
    Task UploadAsync(JobArtifact artifact, string? submissionToken, CancellationToken cancellationToken);
}
