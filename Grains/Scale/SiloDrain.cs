using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Core.Internal;
using Orleans.Placement.Rebalancing;
using Orleans.Providers;
using Orleans.Providers.Streams.Common;
using Orleans.Runtime.Placement;
using Orleans.Streams;
using OrleansFlow.Configuration;
using OrleansFlow.Diagnostics;
using OrleansFlow.Jobs;

namespace OrleansFlow.Scale;

/// <summary>
/// Moves work off a silo that stops gracefully, before Orleans deactivates what is left on it (Orleans 10.4.2 does
/// not migrate activations on shutdown; it deactivates them). While the silo is still an active member: every running
/// job with checkpointing stops its attempt (<see cref="IJobManagerGrain.PrepareForSiloLeavingAsync"/>); the per-key
/// grains, job managers, checkpoint coordinators and memory stream queues on this silo migrate to the other silos
/// (per-key grains carry their live state, queues their batches); then the stopped jobs redeploy from their latest
/// checkpoint on the silos that stay. Until the process ends, a per-key grain Orleans still places here (this silo is
/// an active member until it stops) moves away at once (<see cref="SiloDrainState"/>). Bounded by
/// <see cref="ElasticScaleOptions.DrainTimeout"/>; whatever is left is deactivated by Orleans as before.
/// </summary>
internal sealed class SiloDrain(
    IGrainFactory grains,
    ILocalSiloDetails silo,
    IClusterMembershipService membership,
    IServiceProvider services,
    IOptions<ElasticScaleOptions> options,
    SiloDrainState drainState,
    ILogger<SiloDrain> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>
    /// Grain types whose local activations the drain migrates: besides OrleansFlow's, Orleans' memory stream queues
    /// (channels), which carry their queued batches when they migrate and would lose them when deactivated.
    /// </summary>
    private static readonly HashSet<string> MovedTypes = new(StringComparer.Ordinal)
    {
        Keyed.KeyedStateGrain.GrainTypeName, "flow.jobmanager", "flow.checkpoints", "memorystreamqueue",
    };

    /// <summary>How many migrations are requested at once.</summary>
    private const int MigrationBatch = 64;

    public void Participate(ISiloLifecycle lifecycle)
    {
        ArgumentNullException.ThrowIfNull(lifecycle);
        // Stops before the silo leaves the membership and deactivates its grains (both at BecomeActive).
        lifecycle.Subscribe(nameof(SiloDrain), ServiceLifecycleStage.Active + 1, _ => Task.CompletedTask, DrainAsync);
    }

    private async Task DrainAsync(CancellationToken cancellationToken)
    {
        var self = silo.SiloAddress;
        var targets = CurrentTargets(self, []);
        if (!options.Value.Enabled || targets.Length == 0)
        {
            return; // nowhere to go: the last silo's jobs stop with it
        }

        var started = Stopwatch.GetTimestamp();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(options.Value.DrainTimeout);
        ScaleLog.SiloDrainStarted(logger, self.ToString(), targets.Length);
        var (stopped, anyActive) = await StopJobsAsync(self, limit.Token);
        ScaleLog.SiloDrainStepDone(logger, self.ToString(), "stopped the running jobs' attempts", (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        if (!anyActive)
        {
            // No job is running: nothing needs this silo's grains elsewhere (those of ended jobs only serve state
            // queries). Moving them anyway would hold every silo's stop for the whole drain timeout when a cluster is
            // stopped at once.
            ScaleLog.SiloDrainFinished(logger, self.ToString(), (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds, 0, 0, 0);
            return;
        }

        drainState.Begin(targets); // from now on, per-key grains activated here move away at once
        await SuspendRebalancerAsync(self, limit.Token);
        await StopChannelAgentsAsync(self, limit.Token);
        ScaleLog.SiloDrainStepDone(logger, self.ToString(), "stopped the channel readers", (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        var (moved, left) = await MigrateLocalGrainsAsync(self, targets, limit.Token);
        ScaleLog.SiloDrainStepDone(logger, self.ToString(), "moved the grains", (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        await ResumeJobsAsync(self, stopped, targets, limit.Token);
        ScaleLog.SiloDrainFinished(logger, self.ToString(), (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds, stopped.Count, moved, left);
    }

    /// <summary>
    /// Stops the attempt of every running job with checkpointing; returns those jobs, and whether any job has not ended
    /// (true when that cannot be told).
    /// </summary>
    private async Task<(List<string> Stopped, bool AnyActive)> StopJobsAsync(SiloAddress self, CancellationToken cancellationToken)
    {
        var stopped = new List<string>();
        try
        {
            var jobs = await grains.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.Key).ListAsync(int.MaxValue, cancellationToken);
            var results = await Task.WhenAll(jobs.Select(async j =>
            {
                var manager = grains.GetGrain<IJobManagerGrain>(j.JobId);
                var wasStopped = await manager.PrepareForSiloLeavingAsync(self, cancellationToken);
                return (j.JobId, Stopped: wasStopped, Active: wasStopped || !(await manager.GetStatusAsync(cancellationToken)).Status.IsTerminal());
            }));
            stopped.AddRange(results.Where(r => r.Stopped).Select(r => r.JobId));
            return (stopped, results.Any(r => r.Active));
        }
        catch (Exception e)
        {
            ScaleLog.SiloDrainStepFailed(logger, e, self.ToString(), "stop every running job's attempt");
            return (stopped, true);
        }
    }

    /// <summary>
    /// Suspends Orleans' activation rebalancer (one for the whole cluster) for twice the drain's time limit, which covers
    /// the drain and the silo's stop. A silo the drain is emptying is still an active member and soon holds the fewest
    /// activations, so the rebalancer moves grains back onto it while the drain moves them off: a fresh-clone run saw
    /// 72 per-key grains bounce until the drain's time limit, and the silo's stop then outlast SIGTERM's 30 s.
    /// </summary>
    private async Task SuspendRebalancerAsync(SiloAddress self, CancellationToken cancellationToken)
    {
#pragma warning disable ORLEANSEXP002 // the activation rebalancer is experimental in Orleans 10.4.2
        if (services.GetService<IActivationRebalancer>() is not { } rebalancer)
        {
            return;
        }

        try
        {
            await rebalancer.SuspendRebalancing(options.Value.DrainTimeout * 2).WaitAsync(cancellationToken);
        }
#pragma warning restore ORLEANSEXP002
        catch (Exception e)
        {
            ScaleLog.SiloDrainStepFailed(logger, e, self.ToString(), "suspend the activation rebalancer");
        }
    }

    /// <summary>
    /// Stops this silo's pulling agents of the channel streams. A memory stream queue hands a batch over when an agent
    /// reads it, so a batch of the redeployed attempt read by an agent here would die with this silo. Stopped, the
    /// agents read nothing more; the queues (migrated to other silos) keep the batches until the other silos' agents
    /// take the queues over when this silo has left. An agent stops after the delivery it is making, which a receiver
    /// can hold for Orleans' response timeout: the wait is bounded by <see cref="ElasticScaleOptions.ChannelReaderStopTimeout"/>,
    /// after which the drain goes on while the agents finish stopping.
    /// </summary>
    private async Task StopChannelAgentsAsync(SiloAddress self, CancellationToken cancellationToken)
    {
        try
        {
            if (services.GetKeyedService<IStreamProvider>(FlowNames.ChannelStreamProvider) is IControllable channels)
            {
                await channels.ExecuteCommand((int)PersistentStreamProviderCommand.StopAgents, null)
                    .WaitAsync(options.Value.ChannelReaderStopTimeout, cancellationToken);
            }
        }
        catch (Exception e)
        {
            ScaleLog.SiloDrainStepFailed(logger, e, self.ToString(), "stop the channel streams' pulling agents");
        }
    }

    /// <summary>
    /// Asks each moved grain on this silo to migrate (spread round-robin over the silos that stay), and keeps asking
    /// (<see cref="MigrationRequests"/>: grains activated here since, grains still here a while after they were asked)
    /// until none is left or the time is up; then names those that stayed.
    /// </summary>
    private async Task<(int Moved, int Left)> MigrateLocalGrainsAsync(SiloAddress self, SiloAddress[] targets, CancellationToken cancellationToken)
    {
        var requests = new MigrationRequests(options.Value.MigrationRetryAfter);
        var started = Stopwatch.GetTimestamp();
        var local = new List<GrainId>();
        var index = 0;
        try
        {
            while (true)
            {
                // Every call is bounded by the drain's time limit: a grain call can otherwise wait for Orleans' 30 s
                // response timeout, past the time a stopping silo is given.
                local = await LocalGrainsAsync(self, cancellationToken).WaitAsync(cancellationToken);
                if (local.Count == 0)
                {
                    return (requests.Asked, 0);
                }

                var stay = CurrentTargets(self, targets);
                foreach (var batch in requests.Due(local, Stopwatch.GetElapsedTime(started)).Chunk(MigrationBatch))
                {
                    await Task.WhenAll(batch.Select(id => MigrateAsync(id, stay[index++ % stay.Length]))).WaitAsync(cancellationToken);
                }

                await Task.Delay(options.Value.DrainPollPeriod, cancellationToken);
            }
        }
        catch (Exception e)
        {
            ScaleLog.SiloDrainStepFailed(logger, e, self.ToString(), "migrate every per-key grain, job manager and coordinator off this silo");
            if (local.Count > 0)
            {
                ScaleLog.SiloDrainGrainsStayed(logger, self.ToString(), local.Count, MigrationRequests.Describe(local));
            }

            return (Math.Max(requests.Asked - local.Count, 0), local.Count);
        }
    }

    /// <summary>The active silos other than this one now (those that began to stop are no target), or the drain's first ones.</summary>
    private SiloAddress[] CurrentTargets(SiloAddress self, SiloAddress[] initial)
    {
        var active = membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active && !m.SiloAddress.Equals(self))
            .Select(m => m.SiloAddress)
            .OrderBy(s => s.ToString(), StringComparer.Ordinal)
            .ToArray();
        return active.Length > 0 ? active : initial;
    }

    private async Task MigrateAsync(GrainId grain, SiloAddress target)
    {
        RequestContext.Set(IPlacementDirector.PlacementHintKey, target); // local to this async method's call
        await grains.GetGrain(grain).Cast<IGrainManagementExtension>().MigrateOnIdle();
    }

    private async Task<List<GrainId>> LocalGrainsAsync(SiloAddress self, CancellationToken cancellationToken)
    {
        var statistics = await grains.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics(null, [self], cancellationToken);
        return [.. statistics.Where(s => MovedTypes.Contains(s.GrainId.Type.ToString()!)).Select(s => s.GrainId).Distinct()];
    }

    private async Task ResumeJobsAsync(SiloAddress self, List<string> jobs, SiloAddress[] targets, CancellationToken cancellationToken)
    {
        // Even past the drain's time limit: a job left waiting would only redeploy after its own fallback timer.
        var token = cancellationToken.IsCancellationRequested ? CancellationToken.None : cancellationToken;
        var index = 0;
        await Task.WhenAll(jobs.Select(job => ResumeAsync(self, job, targets[index++ % targets.Length], token)));
    }

    private async Task ResumeAsync(SiloAddress self, string jobId, SiloAddress target, CancellationToken cancellationToken)
    {
        try
        {
            // Should the job manager have been deactivated rather than migrated, it must not come back on this silo.
            RequestContext.Set(IPlacementDirector.PlacementHintKey, target);
            await grains.GetGrain<IJobManagerGrain>(jobId).ResumeAfterSiloLeavingAsync(self, cancellationToken);
        }
        catch (Exception e)
        {
            ScaleLog.SiloDrainStepFailed(logger, e, self.ToString(), $"redeploy job {jobId} (it redeploys by itself after its time limit)");
        }
    }
}
