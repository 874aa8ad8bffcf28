namespace OrleansFlow.Jobs;

/// <summary>Everything a job manager needs to run a job.</summary>
/// <param name="JobId">Unique id of the job.</param>
/// <param name="JobName">Display name.</param>
/// <param name="Source">Where the job's code comes from.</param>
/// <param name="Plan">The physical plan.</param>
/// <param name="Settings">Runtime settings.</param>
[GenerateSerializer, Immutable, Alias("flow.JobSubmission")]
public sealed record JobSubmission(
    [property: Id(0)] string JobId,
    [property: Id(1)] string JobName,
    [property: Id(2)] JobSource Source,
    [property: Id(3)] JobPlan Plan,
    [property: Id(4)] ExecutionSettings Settings);
