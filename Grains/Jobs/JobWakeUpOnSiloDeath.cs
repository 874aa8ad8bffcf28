using Microsoft.Extensions.Logging;
using OrleansFlow.Diagnostics;

namespace OrleansFlow.Jobs;

/// <summary>
/// Watches the cluster's membership on every silo and, when <see cref="SiloDeathWatch"/> says so, calls the job manager
/// of every job in the registry: activating a job manager whose silo died lets it notice its lost attempt and restart
/// it from the latest checkpoint. A call to a job manager that is alive only reads its status. A call that fails (the
/// registry or a job manager was itself on the dead silo and Orleans has not settled yet) is tried again after
/// <see cref="RetryDelay"/>, up to <see cref="Attempts"/> times in all: one lost wake-up would leave a job standing
/// still until someone asks about it.
/// </summary>
internal sealed class JobWakeUpOnSiloDeath(
    IGrainFactory grains,
    ILocalSiloDetails silo,
    IClusterMembershipService membership,
    TimeProvider time,
    ILogger<JobWakeUpOnSiloDeath> logger) : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    /// <summary>How often the registry read and each job manager's wake-up call are tried in all.</summary>
    private const int Attempts = 5;

    /// <summary>The pause before trying a failed call again.</summary>
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(500);

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
        var jobs = await WithRetriesAsync(() => grains.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.Key).ListAsync(int.MaxValue, cancellationToken), cancellationToken);
        if (jobs is null)
        {
            return;
        }

        // Each job manager on its own: one that cannot be reached does not hold up the others' wake-up.
        var woken = await Task.WhenAll(jobs.Select(j => WithRetriesAsync(() => grains.GetGrain<IJobManagerGrain>(j.JobId).GetStatusAsync(cancellationToken), cancellationToken)));
        ScaleLog.JobManagersWoken(logger, silo.SiloAddress.ToString(), woken.Count(w => w is not null));
    }

    /// <summary>The call's result, trying it up to <see cref="Attempts"/> times; null when every try failed (each failure is logged).</summary>
    private async Task<T?> WithRetriesAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken)
        where T : class
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (JobNotFoundException)
            {
                return null; // a final answer: nothing to wake, nothing to try again
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                ScaleLog.JobManagerWakeUpFailed(logger, e, silo.SiloAddress.ToString());
                if (attempt == Attempts)
                {
                    return null;
                }
            }

            await Task.Delay(RetryDelay, time, cancellationToken);
        }
    }
}
