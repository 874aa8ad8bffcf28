using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Metadata;
using Orleans.Persistence;
using Orleans.Storage;
using OrleansFlow.Configuration;
using OrleansFlow.Storage;
using StackExchange.Redis;

namespace OrleansFlow.Hosting;

/// <summary>
/// Chooses where a silo keeps what must outlive a grain activation: the grain storage provider named
/// <see cref="FlowNames.CheckpointStorage"/> (and <see cref="FlowNames.ArtifactStorage"/> for uploaded job artifacts)
/// and the reminder service. Grain code only names the provider; a
/// deployment may instead register any other provider (Azure Storage, ADO.NET, ...) under that name.
/// </summary>
public static class PersistenceSiloBuilderExtensions
{
    /// <summary>
    /// For a single silo process (the embedded default): checkpoints as files under <paramref name="directory"/>
    /// (relative paths resolve against the current directory at start) and in-memory reminders, which live as long
    /// as the process.
    /// </summary>
    public static ISiloBuilder UseLocalPersistence(this ISiloBuilder builder, string directory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddLocalDirectoryGrainStorage(FlowNames.CheckpointStorage, options => options.Directory = directory);
        builder.StoreSnapshotSegmentsRaw<LocalDirectoryGrainStorageOptions>(FlowNames.CheckpointStorage);
        builder.AddLocalDirectoryGrainStorage(FlowNames.ArtifactStorage, options => options.Directory = directory);
        builder.UseInMemoryReminderService();
        return builder;
    }

    /// <summary>
    /// For a cluster: checkpoints and reminders in the Redis at <paramref name="redisConfiguration"/>
    /// (a StackExchange.Redis configuration string such as <c>host:port</c>). Keys start with the cluster's
    /// <see cref="ClusterOptions.ServiceId"/>; clearing a state deletes its key. Job managers and checkpoint
    /// coordinators are registered in a grain directory in the same Redis (<see cref="FlowNames.JobDirectory"/>, keys
    /// <c>{ClusterId}/directory/...</c>), which outlives any silo: a silo's death cannot leave two of them driving a job.
    /// </summary>
    public static ISiloBuilder UseRedisPersistence(this ISiloBuilder builder, string redisConfiguration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(redisConfiguration);
        foreach (var provider in new[] { FlowNames.CheckpointStorage, FlowNames.ArtifactStorage })
        {
            builder.AddRedisGrainStorage(provider, options =>
            {
                options.ConfigurationOptions = ConfigurationOptions.Parse(redisConfiguration);
                options.DeleteStateOnClear = true;
            });
        }

        builder.StoreSnapshotSegmentsRaw<RedisStorageOptions>(FlowNames.CheckpointStorage);
        builder.UseRedisReminderService(options => options.ConfigurationOptions = ConfigurationOptions.Parse(redisConfiguration));
        builder.AddRedisGrainDirectory(FlowNames.JobDirectory, options => options.ConfigurationOptions = ConfigurationOptions.Parse(redisConfiguration));
        builder.Services.AddSingleton<IGrainPropertiesProvider, JobGrainsDirectory>();
        return builder;
    }

    /// <summary>
    /// Makes the grain storage provider <paramref name="providerName"/> (whose options are <typeparamref name="TOptions"/>)
    /// store snapshot segment parts as raw bytes rather than through its serializer (JSON by default, which stores them
    /// as base64 text). <see cref="UseLocalPersistence"/> and <see cref="UseRedisPersistence"/> do it for
    /// <see cref="FlowNames.CheckpointStorage"/>; call it for any other provider registered under that name, after
    /// registering the provider.
    /// </summary>
    public static ISiloBuilder StoreSnapshotSegmentsRaw<TOptions>(this ISiloBuilder builder, string providerName)
        where TOptions : class, IStorageProviderSerializerOptions
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<TOptions>(providerName).PostConfigure<IGrainStorageSerializer>((options, silo) =>
        {
            if (options.GrainStorageSerializer is not SegmentPartSerializer)
            {
                options.GrainStorageSerializer = new SegmentPartSerializer(options.GrainStorageSerializer ?? silo);
            }
        });
        return builder;
    }
}
