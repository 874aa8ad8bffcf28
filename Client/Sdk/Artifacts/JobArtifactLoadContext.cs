using System.Reflection;
using System.Runtime.Loader;

namespace OrleansFlow.Artifacts;

/// <summary>
/// An isolated, collectible load context for one uploaded job artifact. It loads the artifact's assemblies from
/// memory and shares every assembly the host provides (<see cref="HostAssemblies"/>), so two artifacts holding
/// different builds of one assembly name each get their own copy while the SDK's types stay shared.
/// </summary>
internal sealed class JobArtifactLoadContext : AssemblyLoadContext
{
    private readonly Dictionary<string, byte[]> _files = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Assembly> _loaded = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _gate = new();

    /// <summary>Creates the context and loads the artifact's job assembly; a file that is not a .NET assembly throws.</summary>
    public JobArtifactLoadContext(JobArtifact artifact)
        : base($"flow-job-{artifact.Id}", isCollectible: true)
    {
        Artifact = artifact;
        foreach (var file in artifact.Files)
        {
            if (file.Name.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            {
                _files[Path.GetFileNameWithoutExtension(file.Name)] = file.Content;
            }
        }

        MainAssembly = LoadPrivate(artifact.MainAssembly)
            ?? throw new JobArtifactException($"Job artifact {artifact.Id} does not contain its job assembly '{artifact.MainAssembly}.dll'.");
    }

    /// <summary>The artifact the context was loaded from.</summary>
    public JobArtifact Artifact { get; }

    /// <summary>The artifact's id.</summary>
    public string ArtifactId => Artifact.Id;

    /// <summary>The job assembly.</summary>
    public Assembly MainAssembly { get; }

    /// <summary>The artifact's own copy of the assembly named <paramref name="simpleName"/>, loading it on first use; null when the artifact has none.</summary>
    public Assembly? LoadPrivate(string simpleName)
    {
        lock (_gate)
        {
            if (_loaded.TryGetValue(simpleName, out var loaded))
            {
                return loaded;
            }

            if (!_files.TryGetValue(simpleName, out var bytes))
            {
                return null;
            }

            Assembly assembly;
            try
            {
                using var stream = new MemoryStream(bytes, writable: false);
                assembly = LoadFromStream(stream);
            }
            catch (BadImageFormatException e)
            {
                throw new JobArtifactException($"'{simpleName}.dll' of job artifact {ArtifactId} is not a .NET assembly: {e.Message}", e);
            }

            _loaded[simpleName] = assembly;
            return assembly;
        }
    }

    /// <inheritdoc />
    protected override Assembly? Load(AssemblyName assemblyName)
    {
        // Null defers to the default context: the host's copy, or a FileNotFoundException naming a missing dependency.
        if (assemblyName.Name is not { } name || HostAssemblies.Provides(name))
        {
            return null;
        }

        return LoadPrivate(name);
    }
}
