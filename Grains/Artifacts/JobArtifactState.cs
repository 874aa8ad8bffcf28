namespace OrleansFlow.Artifacts;

/// <summary>What a job artifact grain persists.</summary>
[GenerateSerializer, Alias("flow.JobArtifactState")]
internal sealed class JobArtifactState
{
    [Id(0)]
    public JobArtifact? Artifact { get; set; }
}
