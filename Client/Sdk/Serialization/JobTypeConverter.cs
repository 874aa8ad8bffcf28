using Orleans.Serialization;
using OrleansFlow.Artifacts;

namespace OrleansFlow.Serialization;

/// <summary>
/// Plugs job artifacts into Orleans' type names: formats the types of an artifact with its id
/// (<see cref="JobTypeNames"/>) and resolves such names in the right load context, loading the artifact from
/// <see cref="IJobArtifactSource"/> (a silo's artifact storage, read directly, never through a grain call) when this
/// process has not loaded it yet. Also tells Orleans' allowed-types check that these types may be serialized: only
/// types of uploaded artifacts, which a client allowed to submit jobs put there.
/// </summary>
internal sealed class JobTypeConverter(IEnumerable<IJobArtifactSource> sources) : ITypeConverter, ITypeNameFilter, ITypeFilter
{
    private readonly IJobArtifactSource[] _sources = [.. sources];

    /// <inheritdoc />
    public bool TryFormat(Type type, out string formatted)
    {
        if (JobTypeNames.TryFormat(type) is not { } name)
        {
            formatted = null!;
            return false;
        }

        formatted = name;
        PinAll(type);
        return true;
    }

    /// <inheritdoc />
    public bool TryParse(string formatted, out Type type)
    {
        if (!JobTypeNames.TryParse(formatted, Find, out var parsed))
        {
            type = null!;
            return false;
        }

        type = parsed;
        PinAll(type);
        return true;
    }

    /// <inheritdoc />
    public bool? IsTypeNameAllowed(string typeName, string assemblyName) => JobTypeNames.IsArtifactAssembly(assemblyName) ? true : null;

    /// <inheritdoc />
    public bool? IsTypeAllowed(Type type) => JobArtifacts.Of(type.Assembly) is not null ? true : null;

    private LoadedArtifact? Find(string id)
    {
        if (JobArtifacts.TryGet(id, out var loaded))
        {
            return loaded;
        }

        foreach (var source in _sources)
        {
            if (source.TryRead(id) is { } artifact)
            {
                return JobArtifacts.Load(artifact);
            }
        }

        return null;
    }

    /// <summary>Orleans caches the type from now on, so its artifact's context stays loaded (see <see cref="LoadedArtifact.PinnedBySerializer"/>).</summary>
    private static void PinAll(Type type)
    {
        if (type.HasElementType)
        {
            PinAll(type.GetElementType()!);
            return;
        }

        JobArtifacts.Of(type.Assembly)?.Pin();
        if (type.IsConstructedGenericType)
        {
            foreach (var argument in type.GenericTypeArguments)
            {
                PinAll(argument);
            }
        }
    }
}
