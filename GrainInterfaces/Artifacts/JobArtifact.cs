namespace OrleansFlow.Artifacts;

/// <summary>
/// A job's code as uploaded to a cluster: its job assembly and the private dependencies the silos do not provide.
/// Content-addressed: <see cref="Id"/> is derived from the files, so the same build uploads once.
/// </summary>
/// <param name="Id">The content hash (see <c>JobArtifactPackager</c>): 32 lowercase hex digits.</param>
/// <param name="MainAssembly">The simple name of the job assembly (one of <paramref name="Files"/>).</param>
/// <param name="Files">The assemblies, each under its file name.</param>
[GenerateSerializer, Immutable, Alias("flow.JobArtifact")]
public sealed record JobArtifact(
    [property: Id(0)] string Id,
    [property: Id(1)] string MainAssembly,
    [property: Id(2)] IReadOnlyList<JobArtifactFile> Files)
{
    /// <summary>The total size of the files in bytes.</summary>
    public long Size => Files.Sum(f => (long)f.Content.Length);
}

/// <summary>One file of a <see cref="JobArtifact"/>.</summary>
/// <param name="Name">The file name (no directory), e.g. <c>UserJob.dll</c>.</param>
/// <param name="Content">The file's bytes.</param>
[GenerateSerializer, Immutable, Alias("flow.JobArtifactFile")]
public sealed record JobArtifactFile([property: Id(0)] string Name, [property: Id(1)] byte[] Content);
