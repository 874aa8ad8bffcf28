using Microsoft.Extensions.DependencyInjection;
using OrleansFlow.Artifacts;
using OrleansFlow.Configuration;
using OrleansFlow.Serialization;

namespace OrleansFlow.Hosting;

/// <summary>Lets a silo run jobs from uploaded job artifacts.</summary>
public static class JobArtifactSiloBuilderExtensions
{
    /// <summary>
    /// Registers the artifact store and the serializer support for artifact types (called by
    /// <see cref="SiloBuilderExtensions.AddOrleansFlow"/>). Artifacts are stored through the grain storage provider
    /// named <see cref="FlowNames.ArtifactStorage"/>, which <see cref="PersistenceSiloBuilderExtensions"/> registers;
    /// it must not be a provider that makes grain calls (such as memory grain storage), because silos read it while
    /// deserializing messages.
    /// </summary>
    public static ISiloBuilder AddJobArtifacts(this ISiloBuilder builder, Action<JobArtifactOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<JobArtifactOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        builder.Services.AddSingleton<JobArtifactStore>();
        builder.Services.AddSingleton<IJobArtifactSource>(sp => sp.GetRequiredService<JobArtifactStore>());
        builder.Services.AddJobArtifactSerialization();
        return builder;
    }
}
