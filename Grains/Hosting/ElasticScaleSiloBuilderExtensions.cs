using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Metadata;
using OrleansFlow.Configuration;
using OrleansFlow.Scale;

namespace OrleansFlow.Hosting;

/// <summary>Lets a cluster spread running jobs onto silos that join and move them off silos that stop gracefully.</summary>
public static class ElasticScaleSiloBuilderExtensions
{
    /// <summary>
    /// Turns on elastic scale (<see cref="ElasticScaleOptions"/>): Orleans' activation rebalancer moves per-key grains
    /// (live, with their state) towards silos with fewer activations; a running job with checkpointing redeploys its
    /// tasks over the active silos from a checkpoint when a silo joins; a silo stopping gracefully first moves the
    /// jobs' tasks, per-key grains, job managers and checkpoint coordinators off itself. Every silo of a cluster
    /// should call it with the same settings.
    /// </summary>
    public static ISiloBuilder UseElasticScale(this ISiloBuilder builder, Action<ElasticScaleOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<ElasticScaleOptions>().Configure(o =>
        {
            o.Enabled = true;
            configure?.Invoke(o);
        });
        builder.Services.AddTransient<IConfigurationValidator, ElasticScaleOptionsValidator>();
        builder.Services.AddOptions<ActivationRebalancerOptions>().Configure<IOptions<ElasticScaleOptions>>((r, e) =>
        {
            r.RebalancerDueTime = e.Value.RebalancerDueTime;
            r.SessionCyclePeriod = e.Value.RebalancerCyclePeriod;
        });
        builder.Services.AddOptions<DeploymentLoadPublisherOptions>().Configure<IOptions<ElasticScaleOptions>>((p, e) =>
            p.DeploymentLoadPublisherRefreshTime = e.Value.LoadPublishPeriod);
        builder.Services.AddSingleton<IGrainPropertiesProvider, ImmovableRuntimeGrains>();
        builder.Services.AddSingleton<SiloDrainState>();
        builder.Services.AddSingleton<SiloDrain>();
        builder.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<SiloDrain>());
#pragma warning disable ORLEANSEXP002 // the activation rebalancer is experimental in Orleans 10.4.2
        builder.AddActivationRebalancer();
#pragma warning restore ORLEANSEXP002
        return builder;
    }
}
