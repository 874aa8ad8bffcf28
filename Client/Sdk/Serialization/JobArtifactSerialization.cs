using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Serialization.Cloning;
using Orleans.Serialization.Serializers;

namespace OrleansFlow.Serialization;

/// <summary>Registers the serializer support for job artifact types (type names, codec, copier) on a silo or client.</summary>
internal static class JobArtifactSerialization
{
    /// <summary>Adds <see cref="JobTypeConverter"/> and <see cref="JobRecordCodec"/> once.</summary>
    public static IServiceCollection AddJobArtifactSerialization(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(s => s.ServiceType == typeof(JobTypeConverter)))
        {
            return services;
        }

        services.AddSingleton<JobTypeConverter>();
        services.AddSingleton<ITypeConverter>(sp => sp.GetRequiredService<JobTypeConverter>());
        services.AddSingleton<ITypeNameFilter>(sp => sp.GetRequiredService<JobTypeConverter>());
        services.AddSingleton<ITypeFilter>(sp => sp.GetRequiredService<JobTypeConverter>());
        services.AddSingleton<JobRecordCodec>();
        services.AddSingleton<ISpecializableCodec>(sp => sp.GetRequiredService<JobRecordCodec>());
        services.AddSingleton<ISpecializableCopier>(sp => sp.GetRequiredService<JobRecordCodec>());
        return services;
    }
}
