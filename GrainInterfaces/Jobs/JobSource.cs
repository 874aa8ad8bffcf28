namespace OrleansFlow.Jobs;

/// <summary>
/// Where silos get the job's code: a job type they can load and build (rebuilt deterministically on every silo),
/// or a graph registered in the submitting process when the silo runs inside it (embedded execution).
/// </summary>
/// <param name="JobTypeName">Assembly-qualified name of an <c>IStreamJob</c> type, or null.</param>
/// <param name="Arguments">Arguments passed to the job's build method.</param>
/// <param name="LocalGraphId">Id of a graph registered in this process, or null.</param>
/// <param name="ArtifactId">The uploaded job artifact (<c>JobArtifact.Id</c>) that holds the job type, or null when the
/// silos ship the type themselves.</param>
[GenerateSerializer, Immutable, Alias("flow.JobSource")]
public sealed record JobSource(
    [property: Id(0)] string? JobTypeName,
    [property: Id(1)] IReadOnlyList<string> Arguments,
    [property: Id(2)] string? LocalGraphId,
    [property: Id(3)] string? ArtifactId = null);
