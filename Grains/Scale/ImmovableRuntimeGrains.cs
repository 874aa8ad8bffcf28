using Orleans.Metadata;
using Orleans.Placement;

namespace OrleansFlow.Scale;

/// <summary>
/// Keeps Orleans' in-memory storage grains where they are: they hold their data in the activation and do not take
/// part in migration, so the activation rebalancer moving one would lose the data (with it, the stream pub-sub
/// registrations kept in <see cref="FlowNames.PubSubStorage"/>). Marks them immovable as <c>[Immovable]</c> would.
/// </summary>
internal sealed class ImmovableRuntimeGrains : IGrainPropertiesProvider
{
    private static readonly HashSet<string> Types = new(StringComparer.Ordinal) { "Orleans.Storage.MemoryStorageGrain" };

    public void Populate(Type grainClass, GrainType grainType, Dictionary<string, string> properties)
    {
        ArgumentNullException.ThrowIfNull(grainClass);
        ArgumentNullException.ThrowIfNull(properties);
        if (grainClass.FullName is { } name && Types.Contains(name))
        {
            properties[WellKnownGrainTypeProperties.Immovable] = ((byte)ImmovableKind.Any).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
