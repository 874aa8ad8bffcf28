namespace OrleansFlow.Jobs;

/// <summary>A job the cluster has accepted, as the job registry lists it.</summary>
/// <param name="JobId">The job.</param>
/// <param name="JobName">Its display name.</param>
/// <param name="SubmittedAt">When it was submitted.</param>
[GenerateSerializer, Immutable, Alias("flow.JobEntry")]
public sealed record JobEntry(
    [property: Id(0)] string JobId,
    [property: Id(1)] string JobName,
    [property: Id(2)] DateTimeOffset SubmittedAt);
