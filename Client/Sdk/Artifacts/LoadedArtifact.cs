using System.Reflection;
using System.Runtime.Loader;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrleansFlow.Artifacts;

/// <summary>
/// A job artifact this process can run or read records of: either loaded into its own <see cref="JobArtifactLoadContext"/>
/// (silos, <c>flow submit</c>), or uploaded by this program from assemblies in its default context (a program that
/// submits its own job type to a cluster). Holds the JSON settings its record types are serialized with, so that
/// nothing process-wide keeps the context's types alive.
/// </summary>
internal sealed class LoadedArtifact
{
    private readonly IReadOnlySet<string> _hostAssemblyNames;
    private int _leases;

    private LoadedArtifact(string id, Assembly mainAssembly, JobArtifactLoadContext? context, IReadOnlySet<string> hostAssemblyNames)
    {
        Id = id;
        MainAssembly = mainAssembly;
        Context = context;
        _hostAssemblyNames = hostAssemblyNames;
    }

    /// <summary>The artifact id.</summary>
    public string Id { get; }

    /// <summary>The job assembly.</summary>
    public Assembly MainAssembly { get; }

    /// <summary>The artifact's load context, or null when its assemblies are this program's own.</summary>
    public JobArtifactLoadContext? Context { get; }

    /// <summary>How the artifact's record types are written as JSON: public properties and fields, named floating-point literals.</summary>
    public JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.General)
    {
        IncludeFields = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>
    /// Whether Orleans' serializer has seen one of the artifact's types. Its caches (type codec, codec provider) keep
    /// such types, and so the context, alive for the rest of the process: the context then stays loaded for reuse.
    /// </summary>
    public bool PinnedBySerializer { get; private set; }

    /// <summary>Jobs on this silo using the artifact.</summary>
    public int Leases => Volatile.Read(ref _leases);

    /// <summary>An artifact loaded into a load context of its own.</summary>
    public static LoadedArtifact InContext(JobArtifactLoadContext context) =>
        new(context.ArtifactId, context.MainAssembly, context, new HashSet<string>());

    /// <summary>An artifact this program uploaded from its own (default-context) assemblies named <paramref name="assemblyNames"/>.</summary>
    public static LoadedArtifact InHost(string id, Assembly mainAssembly, IEnumerable<string> assemblyNames) =>
        new(id, mainAssembly, null, new HashSet<string>(assemblyNames, StringComparer.OrdinalIgnoreCase));

    /// <summary>Whether <paramref name="assembly"/> is one of the artifact's own assemblies.</summary>
    public bool Owns(Assembly assembly) =>
        Context is { } context
            ? AssemblyLoadContext.GetLoadContext(assembly) == context
            : assembly.GetName().Name is { } name && _hostAssemblyNames.Contains(name) && AssemblyLoadContext.GetLoadContext(assembly) == AssemblyLoadContext.Default;

    /// <summary>The artifact's assembly named <paramref name="simpleName"/>, or null when the artifact has none.</summary>
    public Assembly? FindAssembly(string simpleName)
    {
        if (Context is { } context)
        {
            return context.LoadPrivate(simpleName);
        }

        return _hostAssemblyNames.Contains(simpleName)
            ? AssemblyLoadContext.Default.Assemblies.FirstOrDefault(a => string.Equals(a.GetName().Name, simpleName, StringComparison.OrdinalIgnoreCase))
            : null;
    }

    /// <summary>Resolves a job type name (assembly-qualified, as <see cref="Type.AssemblyQualifiedName"/>) within the artifact.</summary>
    public Type ResolveJobType(string typeName)
    {
        var type = Type.GetType(
            typeName,
            name => name.Name is { } simple && FindAssembly(simple) is { } own ? own : (Context ?? AssemblyLoadContext.Default).LoadFromAssemblyName(name),
            typeResolver: null,
            throwOnError: false);
        return type ?? throw new JobArtifactException($"Job type '{typeName}' is not in job artifact {Id}.");
    }

    /// <summary>Marks the artifact as seen by Orleans' serializer (see <see cref="PinnedBySerializer"/>).</summary>
    public void Pin() => PinnedBySerializer = true;

    /// <summary>A job on this silo starts using the artifact.</summary>
    public void Acquire() => Interlocked.Increment(ref _leases);

    /// <summary>A job stops using it; returns the number of leases left.</summary>
    public int Release() => Interlocked.Decrement(ref _leases);
}
