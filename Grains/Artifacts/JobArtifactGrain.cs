using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansFlow.Configuration;
using OrleansFlow.Diagnostics;
using OrleansFlow.Jobs;

namespace OrleansFlow.Artifacts;

/// <summary>
/// One uploaded job artifact, kept through grain persistence under the provider named
/// <see cref="FlowNames.ArtifactStorage"/> (a local directory on the embedded silo, Redis on a Redis cluster). Silos
/// read the stored state directly (<see cref="JobArtifactStore"/>) when they load the artifact.
/// </summary>
[GrainType(JobArtifactGrain.GrainTypeName)]
internal sealed class JobArtifactGrain(
    [PersistentState(JobArtifactGrain.StateName, FlowNames.ArtifactStorage)] IPersistentState<JobArtifactState> state,
    IOptions<SubmissionOptions> submission,
    IOptions<JobArtifactOptions> options,
    ILogger<JobArtifactGrain> logger) : Grain, IJobArtifactGrain
{
    /// <summary>The grain type (part of the stored state's grain id).</summary>
    public const string GrainTypeName = "flow.artifact";

    /// <summary>The name of the persisted state.</summary>
    public const string StateName = "artifact";

    public Task<bool> ExistsAsync(CancellationToken cancellationToken) => Task.FromResult(state.State.Artifact is not null);

    public async Task UploadAsync(JobArtifact artifact, string? submissionToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(artifact);
        if (!SubmissionTokens.Accepted(submission.Value, submissionToken))
        {
            throw new SubmissionRefusedException(
                artifact.Id,
                $"Upload of job artifact {artifact.Id} refused: this cluster requires a submission token and the upload carried {SubmissionTokens.Carried(submissionToken)} (flow submit --token, or StreamExecutionEnvironment.WithSubmissionToken).");
        }

        var id = this.GetPrimaryKeyString();
        if (artifact.Id != id || JobArtifactPackager.ContentId(artifact.MainAssembly, artifact.Files) != id)
        {
            throw new JobArtifactException($"Job artifact {artifact.Id} refused: its content does not match its id {id}.");
        }

        var max = options.Value.MaxSizeBytes;
        if (artifact.Size > max)
        {
            throw new JobArtifactException(
                $"Job artifact {id} ({artifact.MainAssembly}) refused: it is {artifact.Size:N0} bytes, more than this cluster's limit of {max:N0} bytes (JobArtifactOptions.MaxSizeBytes).");
        }

        if (!artifact.Files.Any(f => string.Equals(f.Name, artifact.MainAssembly + ".dll", StringComparison.OrdinalIgnoreCase)))
        {
            throw new JobArtifactException($"Job artifact {id} refused: it does not contain its job assembly '{artifact.MainAssembly}.dll'.");
        }

        if (state.State.Artifact is not null)
        {
            return; // content-addressed: already stored means the same bytes
        }

        state.State.Artifact = artifact;
        try
        {
            await state.WriteStateAsync(cancellationToken);
        }
        catch
        {
            state.State.Artifact = null;
            throw;
        }

        ArtifactLog.Stored(logger, id, artifact.MainAssembly, artifact.Files.Count, artifact.Size);
    }
}
