using Orleans.Metadata;
using OrleansFlow.Checkpointing;
using OrleansFlow.Jobs;

namespace OrleansFlow.Hosting;

/// <summary>
/// Puts the grains that drive a job (<see cref="JobManagerGrain"/>, <see cref="CheckpointCoordinatorGrain"/>) in the
/// grain directory named <see cref="FlowNames.JobDirectory"/>, as <c>[GrainDirectory]</c> on them would, but only in
/// silos that register such a directory (a cluster on Redis): Orleans' in-cluster directory loses the entries a dead
/// silo held, and the next call then starts a second activation while the first still drives the job.
/// </summary>
internal sealed class JobGrainsDirectory : IGrainPropertiesProvider
{
    public void Populate(Type grainClass, GrainType grainType, Dictionary<string, string> properties)
    {
        ArgumentNullException.ThrowIfNull(grainClass);
        ArgumentNullException.ThrowIfNull(properties);
        if (grainClass == typeof(JobManagerGrain) || grainClass == typeof(CheckpointCoordinatorGrain))
        {
            properties[WellKnownGrainTypeProperties.GrainDirectory] = FlowNames.JobDirectory;
        }
    }
}
