using Microsoft.Extensions.Logging;
using OrleansFlow.Diagnostics;

namespace OrleansFlow.Jobs;

/// <summary>
/// Watches the cluster's membership on every silo and, when <see cref="SiloDeathWatch"/> says so, calls the job manager
/// of every job in the registry: activating a job manager whose silo died lets it notice its lost attempt and restart
/// it from the latest checkpoint. A call to a job manager that is alive only reads its status.
/// </summary>
internal sealed class JobWakeUpOnSiloDeath(
    IGrainFactory grains,
    ILocalSiloDetails silo,
    IClusterMembershipService membership,
    ILogger<JobWakeUpOnSiloDeath> logger) : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _watch = Task.CompletedTask;

    public void Participate(ISiloLifecycle lifecycle)
    {
        ArgumentNullException.ThrowIfNull(lifecycle);
        lifecycle.Subscribe(nameof(JobWakeUpOnSiloDeath), ServiceLifecycleStage.Active, StartAsync, StopAsync);
    }

    public void Dispose() => _stopping.Dispose();

    private Task StartAsync(CancellationToken cancellationToken)
    {
        _watch = Task.Run(() => WatchAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _watch.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        var watch = new SiloDeathWatch(silo.SiloAddress);
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(cancellationToken))
            {
                if (watch.Observe([.. snapshot.Members.Values.Select(m => (m.SiloAddress, m.Status))]))
                {
                    await WakeJobManagersAsync(cancellationToken);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
            // The silo is stopping.
        }
    }

    private async Task WakeJobManagersAsync(CancellationToken cancellationToken)
    {
        try
        {
            var jobs = await grains.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.Key).ListAsync(int.MaxValue, cancellationToken);
            await Task.WhenAll(jobs.Select(j => grains.GetGrain<IJobManagerGrain>(j.JobId).GetStatusAsync(cancellationToken)));
            ScaleLog.JobManagersWoken(logger, silo.SiloAddress.ToString(), jobs.Count);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            ScaleLog.JobManagerWakeUpFailed(logger, e, silo.SiloAddress.ToString());
        }
    }
}
