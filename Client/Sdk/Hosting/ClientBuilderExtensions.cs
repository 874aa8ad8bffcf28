using OrleansFlow.Serialization;

namespace OrleansFlow.Hosting;

/// <summary>Prepares an Orleans client for OrleansFlow.</summary>
public static class ClientBuilderExtensions
{
    /// <summary>
    /// Lets the client read records of uploaded job types (collected output, queried state) that carry no Orleans
    /// attributes. A client that only submits and watches jobs works without it.
    /// </summary>
    public static IClientBuilder AddOrleansFlowClient(this IClientBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddJobArtifactSerialization();
        return builder;
    }
}
