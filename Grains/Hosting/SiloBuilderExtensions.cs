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
    /// </summary>
    public static ISiloBuilder AddOrleansFlow(this ISiloBuilder builder, Action<ChannelOptions>? configureChannels = null, Action<SubmissionOptions>? configureSubmission = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var channels = new ChannelOptions();
        configureChannels?.Invoke(channels);
        if (channels.QueuePartitions < 1 || channels.MaxBatchesPerPoll < 1 || channels.PollPeriod <= TimeSpan.Zero || channels.ProbeInterval <= TimeSpan.Zero)
        {
            throw new OptionsValidationException(nameof(ChannelOptions), typeof(ChannelOptions), ["QueuePartitions, MaxBatchesPerPoll, PollPeriod and ProbeInterval must be positive."]);
        }

        builder.Services.AddSingleton(Options.Create(channels));
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
            // it then misses are fetched from their senders (see ChannelReceiver). The age bounds memory: serialized
            // batches are kept whole, so 10 s; in-process ones are 8-byte handles, so a minute costs little and lets a
            // stall shorter than a delivery's 30 s timeout be served from the cache instead of by repairs.
            streams.ConfigureCacheEviction(o => o.Configure(e =>
            {
                e.DataMinTimeInCache = TimeSpan.FromSeconds(1);
                e.DataMaxAgeInCache = channels.InProcess ? TimeSpan.FromMinutes(1) : TimeSpan.FromSeconds(10);
                e.MetadataMinTimeInCache = TimeSpan.FromSeconds(30);
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
