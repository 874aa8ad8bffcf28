using Microsoft.Extensions.DependencyInjection;
using OrleansFlow.Configuration;
using OrleansFlow.Serialization;

namespace OrleansFlow.Hosting;

/// <summary>Prepares an Orleans client for OrleansFlow.</summary>
public static class ClientBuilderExtensions
{
    /// <summary>
    /// Lets the client read records of uploaded job types (collected output, queried state) that carry no Orleans
    /// attributes, and checks its <see cref="JobClientOptions"/> when it starts. A client that only submits and watches
    /// jobs works without it.
    /// </summary>
    public static IClientBuilder AddOrleansFlowClient(this IClientBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddJobArtifactSerialization();
        builder.Services.AddOptions<JobClientOptions>();
        builder.Services.AddTransient<IConfigurationValidator, JobClientOptionsValidator>();
        return builder;
    }
}
