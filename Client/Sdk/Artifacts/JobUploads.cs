namespace OrleansFlow.Artifacts;

/// <summary>Decides whether a job type's code must go to the cluster with the job, and uploads it.</summary>
internal static class JobUploads
{
    /// <summary>
    /// The id of the artifact holding <paramref name="jobType"/> once the cluster has it, or null when the silos run
    /// the type themselves. A type loaded from a <see cref="JobAssembly"/> always goes by its artifact. A type of this
    /// program goes as is to a silo in this process or to a cluster whose silos ship its assembly; otherwise its
    /// assembly file and private dependencies are packed (leaving out what the silos provide) and uploaded.
    /// </summary>
    public static async Task<string?> PrepareAsync(IClusterClient client, Type jobType, bool sharesProcessWithSilos, string? token, CancellationToken cancellationToken)
    {
        var artifact = JobArtifacts.Of(jobType.Assembly)?.Context?.Artifact;
        if (artifact is null)
        {
            if (sharesProcessWithSilos)
            {
                return null;
            }

            var probe = client.GetGrain<IHostAssembliesGrain>(IHostAssembliesGrain.Key);
            var name = jobType.Assembly.GetName().Name!;
            if ((await probe.ProvidedAsync([name], cancellationToken).ConfigureAwait(false)).Count > 0)
            {
                return null;
            }

            var location = jobType.Assembly.Location;
            if (string.IsNullOrEmpty(location))
            {
                throw new JobArtifactException($"Job type '{jobType.FullName}' comes from an assembly without a file (single-file or dynamic); the cluster cannot be sent its code.");
            }

            var provided = new HashSet<string>(
                await probe.ProvidedAsync([.. JobArtifactPackager.ReferencedNames(location)], cancellationToken).ConfigureAwait(false),
                StringComparer.OrdinalIgnoreCase);
            artifact = JobArtifactPackager.Package(location, provided.Contains);
            JobArtifacts.RegisterHost(artifact.Id, jobType.Assembly, artifact.Files.Select(f => Path.GetFileNameWithoutExtension(f.Name)));
        }

        var grain = client.GetGrain<IJobArtifactGrain>(artifact.Id);
        if (!await grain.ExistsAsync(cancellationToken).ConfigureAwait(false))
        {
            await grain.UploadAsync(artifact, token, cancellationToken).ConfigureAwait(false);
        }

        return artifact.Id;
    }
}
