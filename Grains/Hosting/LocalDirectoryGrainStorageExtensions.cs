using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Runtime.Hosting;
using Orleans.Storage;
using OrleansFlow.Configuration;
using OrleansFlow.Storage;

namespace OrleansFlow.Hosting;

/// <summary>Registers <see cref="LocalDirectoryGrainStorage"/> providers by name.</summary>
public static class LocalDirectoryGrainStorageExtensions
{
    /// <summary>
    /// Adds a grain storage provider named <paramref name="name"/> that keeps each grain state in a file under
    /// <see cref="LocalDirectoryGrainStorageOptions.Directory"/>. The options are validated when the silo starts.
    /// </summary>
    public static ISiloBuilder AddLocalDirectoryGrainStorage(this ISiloBuilder builder, string name, Action<LocalDirectoryGrainStorageOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddLocalDirectoryGrainStorage(name, configure);
        return builder;
    }

    /// <summary>Adds a grain storage provider named <paramref name="name"/> keeping states in a local directory.</summary>
    public static IServiceCollection AddLocalDirectoryGrainStorage(this IServiceCollection services, string name, Action<LocalDirectoryGrainStorageOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<LocalDirectoryGrainStorageOptions>(name).Configure(configure);
        services.AddTransient<IPostConfigureOptions<LocalDirectoryGrainStorageOptions>, DefaultStorageProviderSerializerOptionsConfigurator<LocalDirectoryGrainStorageOptions>>();
        services.AddTransient<IConfigurationValidator>(sp => new LocalDirectoryGrainStorageOptionsValidator(Options(sp, name), name));
        return services.AddGrainStorage(name, static (sp, providerName) =>
            ActivatorUtilities.CreateInstance<LocalDirectoryGrainStorage>(sp, providerName, Options(sp, providerName)));
    }

    private static LocalDirectoryGrainStorageOptions Options(IServiceProvider services, string name) =>
        services.GetRequiredService<IOptionsMonitor<LocalDirectoryGrainStorageOptions>>().Get(name);
}
