using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.Loader;

namespace OrleansFlow.Artifacts;

/// <summary>
/// The job artifacts this process has loaded, by id: one load context per artifact content hash, shared by the
/// silos of the process (a production process hosts one silo) and its clients. Serializer code looks artifacts up
/// here to name record types and to find them again.
/// </summary>
internal static class JobArtifacts
{
    private static readonly ConcurrentDictionary<string, LoadedArtifact> ById = new(StringComparer.Ordinal);
    private static readonly Lock Gate = new();

    /// <summary>The loaded artifact with id <paramref name="id"/>, if any.</summary>
    public static bool TryGet(string id, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out LoadedArtifact? artifact) =>
        ById.TryGetValue(id, out artifact);

    /// <summary>Loads <paramref name="artifact"/> into a load context of its own, or returns the one already loaded.</summary>
    public static LoadedArtifact Load(JobArtifact artifact)
    {
        ArgumentNullException.ThrowIfNull(artifact);
        if (ById.TryGetValue(artifact.Id, out var loaded))
        {
            return loaded;
        }

        lock (Gate)
        {
            if (!ById.TryGetValue(artifact.Id, out loaded))
            {
                loaded = LoadedArtifact.InContext(new JobArtifactLoadContext(artifact));
                ById[artifact.Id] = loaded;
            }

            return loaded;
        }
    }

    /// <summary>Records that this program uploaded its own assemblies (<paramref name="assemblyNames"/>) as artifact <paramref name="id"/>.</summary>
    public static LoadedArtifact RegisterHost(string id, Assembly mainAssembly, IEnumerable<string> assemblyNames) =>
        ById.GetOrAdd(id, _ => LoadedArtifact.InHost(id, mainAssembly, assemblyNames));

    /// <summary>The loaded artifact that owns <paramref name="assembly"/>, or null for an assembly of no artifact.</summary>
    public static LoadedArtifact? Of(Assembly assembly)
    {
        if (AssemblyLoadContext.GetLoadContext(assembly) is JobArtifactLoadContext context)
        {
            return ById.TryGetValue(context.ArtifactId, out var loaded) && loaded.Context == context ? loaded : Detached(context);
        }

        if (ById.IsEmpty)
        {
            return null;
        }

        foreach (var loaded in ById.Values)
        {
            if (loaded.Context is null && loaded.Owns(assembly))
            {
                return loaded;
            }
        }

        return null;
    }

    /// <summary>
    /// A job on this silo stops using the artifact. When none uses it any more and Orleans' serializer never saw its
    /// types, the context is unloaded (the runtime collects it once nothing references its types); otherwise it stays.
    /// </summary>
    /// <returns>Whether the context was unloaded.</returns>
    public static bool Release(LoadedArtifact artifact)
    {
        ArgumentNullException.ThrowIfNull(artifact);
        lock (Gate)
        {
            if (artifact.Release() > 0 || artifact.PinnedBySerializer || artifact.Context is not { } context)
            {
                return false;
            }

            ById.TryRemove(new KeyValuePair<string, LoadedArtifact>(artifact.Id, artifact));
            context.Unload();
            return true;
        }
    }

    /// <summary>An artifact whose context was unloaded while objects of it lived on: still resolvable for naming its types.</summary>
    private static LoadedArtifact Detached(JobArtifactLoadContext context) => LoadedArtifact.InContext(context);
}
