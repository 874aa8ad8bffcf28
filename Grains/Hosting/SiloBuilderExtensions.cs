using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using OrleansFlow.Configuration;
using OrleansFlow.Runtime;

namespace OrleansFlow.Hosting;

/// <summary>Adds the OrleansFlow runtime to a silo.</summary>
public static class SiloBuilderExtensions
{
    /// <summary>
    /// Registers OrleansFlow's streams, services and options, and memory storage for
    /// <see cref="FlowNames.PubSubStorage"/>. The silo still needs clustering, and for checkpoints a grain storage
    /// provider named <see cref="FlowNames.CheckpointStorage"/> plus a reminder service:
    /// <see cref="PersistenceSiloBuilderExtensions.UseLocalPersistence"/>,
    /// <see cref="PersistenceSiloBuilderExtensions.UseRedisPersistence"/>, or any provider registered under that name.
    /// Task timing is <see cref="TaskOptions"/> and the job managers' is <see cref="JobManagerOptions"/>
    /// (<c>Configure&lt;TaskOptions&gt;</c>, <c>Configure&lt;JobManagerOptions&gt;</c>), checked when the silo starts.
    /// </summary>
    /// <exception cref="OrleansConfigurationException">A setting of <paramref name="configureChannels"/> is wrong; the message names it.</exception>
    public static ISiloBuilder AddOrleansFlow(this ISiloBuilder builder, Action<ChannelOptions>? configureChannels = null, Action<SubmissionOptions>? configureSubmission = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var channels = new ChannelOptions();
        configureChannels?.Invoke(channels);
        new ChannelOptionsValidator(Options.Create(channels)).ValidateConfiguration(); // here, not at silo start: the streams below are configured from these values
        builder.Services.AddSingleton(Options.Create(channels));
        builder.Services.AddOptions<TaskOptions>();
        builder.Services.AddTransient<IConfigurationValidator, TaskOptionsValidator>();
        builder.Services.AddOptions<JobManagerOptions>();
        builder.Services.AddTransient<IConfigurationValidator, JobManagerOptionsValidator>();
        builder.Services.AddOptions<JobClientOptions>(); // the embedded environment's job clients use the silo's
        builder.Services.AddTransient<IConfigurationValidator, JobClientOptionsValidator>();
        var submission = new SubmissionOptions();
        configureSubmission?.Invoke(submission);
        builder.Services.AddSingleton(Options.Create(submission));
        builder.Services.AddSingleton<JobGraphCache>();
        builder.Services.AddSingleton<Jobs.JobWakeUpOnSiloDeath>();
        builder.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<Jobs.JobWakeUpOnSiloDeath>());
        builder.AddJobArtifacts();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddMemoryGrainStorage(FlowNames.PubSubStorage);
        Action<ISiloMemoryStreamConfigurator> configure = streams =>
        {
            streams.ConfigurePartitioning(channels.QueuePartitions);
            streams.ConfigurePullingAgent(o => o.Configure(p => p.GetQueueMsgsTimerPeriod = channels.PollPeriod));
            streams.ConfigureCache(o => o.Configure(c => c.MaxAddCount = channels.MaxBatchesPerPoll));
            // The cache drops a batch by age alone, delivered or not. A receiver takes its batches at once (its stream
            // handler only queues them), so only a receiver whose activation is blocked falls behind, and the batches
            // it then misses are fetched from their senders (see ChannelReceiver). The age bounds memory (see
            // ChannelOptions.CacheMaxAge and InProcessCacheMaxAge).
            streams.ConfigureCacheEviction(o => o.Configure(e =>
            {
                e.DataMinTimeInCache = channels.CacheMinAge;
                e.DataMaxAgeInCache = channels.InProcess ? channels.InProcessCacheMaxAge : channels.CacheMaxAge;
                e.MetadataMinTimeInCache = channels.CacheMetadataMinAge;
            }));
        };
        if (channels.InProcess)
        {
            builder.AddMemoryStreams<Streaming.InProcessMessageBodySerializer>(FlowNames.ChannelStreamProvider, configure);
        }
        else
        {
            builder.AddMemoryStreams(FlowNames.ChannelStreamProvider, configure);
        }

        return builder;
    }
}
