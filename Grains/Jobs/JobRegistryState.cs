namespace OrleansFlow.Jobs;

/// <summary>What the job registry persists: the submitted jobs, oldest first.</summary>
[GenerateSerializer, Alias("flow.JobRegistryState")]
internal sealed class JobRegistryState
{
    [Id(0)]
    public List<JobEntry> Jobs { get; set; } = [];
}
