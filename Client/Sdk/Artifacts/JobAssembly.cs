namespace OrleansFlow.Artifacts;

/// <summary>
/// A job assembly built outside the cluster (your own project referencing the OrleansFlow SDK), loaded from its file
/// into an isolated load context together with its private dependencies, as <c>flow submit</c> does. Submit one of
/// its <see cref="JobTypes"/> with <see cref="StreamExecutionEnvironment.ExecuteJobAsync(Type, IReadOnlyList{string}?, string?, CancellationToken)"/>:
/// the environment uploads the assembly first, and silos that never saw it load it the same way.
/// </summary>
public sealed class JobAssembly
{
    private readonly string _fileName;

    private JobAssembly(LoadedArtifact loaded, string fileName)
    {
        _fileName = fileName;
        ArtifactId = loaded.Id;
        JobTypes = Artifacts.JobTypes.In(loaded.MainAssembly, fileName);
    }

    /// <summary>The id of the uploaded artifact (a hash of the assembly and its private dependencies).</summary>
    public string ArtifactId { get; }

    /// <summary>The job types of the assembly: public classes implementing <see cref="IStreamJob"/> with a public parameterless constructor.</summary>
    public IReadOnlyList<Type> JobTypes { get; }

    /// <summary>
    /// Loads the job assembly at <paramref name="path"/> with the assemblies next to it that it needs and the host
    /// does not provide. Throws a <see cref="JobArtifactException"/> naming the file when it is not a .NET assembly,
    /// is one the host already contains, cannot be loaded, or needs an assembly that is missing.
    /// </summary>
    public static JobAssembly LoadFile(string path)
    {
        var artifact = JobArtifactPackager.Package(path, HostAssemblies.Provides);
        if (System.Reflection.AssemblyName.GetAssemblyName(path).Name is { } assembly && HostAssemblies.Provides(assembly))
        {
            // A second copy of its serializable types would clash with the first when the client or an in-process silo
            // starts (the CLI ships the examples).
            throw new JobArtifactException(
                $"'{Path.GetFileName(path)}' is the assembly {assembly}, which this program already contains: submit a job assembly of your own, " +
                "or run the jobs it ships by name ('flow run wordcount', 'window-sum', 'keyed-sum')");
        }

        LoadedArtifact loaded;
        try
        {
            loaded = JobArtifacts.Load(artifact);
        }
        catch (BadImageFormatException e)
        {
            throw new JobArtifactException($"'{path}' cannot be loaded: {e.Message}", e);
        }

        return new JobAssembly(loaded, Path.GetFileName(path));
    }

    /// <summary>
    /// The job type named <paramref name="name"/> (full name, or simple name when that is unique), or the only job
    /// type when <paramref name="name"/> is null. Throws a <see cref="JobArtifactException"/> listing the job types
    /// when there is none, several or no such one.
    /// </summary>
    public Type GetJobType(string? name = null) => Artifacts.JobTypes.Select(JobTypes, name, _fileName);
}
