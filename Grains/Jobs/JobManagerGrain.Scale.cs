using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Runtime.Placement;
using OrleansFlow.Configuration;
using OrleansFlow.Diagnostics;
using OrleansFlow.Graph;
using OrleansFlow.Tasks;

namespace OrleansFlow.Jobs;

/// <summary>
/// Elastic scale (<see cref="ElasticScaleOptions"/>): a job with checkpointing moves its tasks with a
/// checkpoint-aligned redeploy, as Flink's reactive mode does. When a silo joins, the job waits (a bounded time) for a
/// checkpoint that completes after the join; when a silo announces a graceful stop, it stops the attempt at once and
/// waits until the silo has moved its per-key grains off. Then it starts a new attempt from the latest completed
/// checkpoint with its tasks spread round-robin over the active silos (a placement hint per task). Exactly-once sinks
/// keep the output exact; a redeploy is not a failure and does not count against the restart strategy.
/// </summary>
internal sealed partial class JobManagerGrain
{
    private readonly HashSet<SiloAddress> _leaving = [];

    /// <summary>Leaving silos the job was redeployed off: their end (membership status Dead) is not a failure.</summary>
    private readonly HashSet<SiloAddress> _drained = [];
    private HashSet<SiloAddress>? _knownSilos;
    private IGrainTimer? _joinTimer;
    private IGrainTimer? _redeployFallback;
    private long _joinBaseline;
    private long _joinDeadline;

    private ElasticScaleOptions Elastic => ServiceProvider.GetRequiredService<IOptions<ElasticScaleOptions>>().Value;

    private bool CanRedeploy => Lifecycle.CanRedeploy;

    public async Task<bool> PrepareForSiloLeavingAsync(SiloAddress silo, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(silo);
        _leaving.Add(silo);
        if (Lifecycle.IsStale || !CanRedeploy)
        {
            return false;
        }

        _drained.Add(silo);
        await StopAttemptForRedeployAsync($"silo {silo} is leaving gracefully");
        Lifecycle.AwaitRedeploy();
        await PersistAsync();
        ArmRedeployFallback();
        return true;
    }

    /// <remarks>
    /// The leaving silo waits for the redeploy: while it stops, grains it still hosts (Orleans' in-memory reminder
    /// table on an embedded or test cluster, say) would fail the new attempt's deployment.
    /// </remarks>
    public async Task ResumeAfterSiloLeavingAsync(SiloAddress silo, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(silo);
        _leaving.Add(silo);
        if (!Lifecycle.IsStale && Lifecycle.IsAwaitingRedeploy)
        {
            _drained.Add(silo);
            await GuardedAsync(RedeployNowAsync);
        }
    }

    /// <summary>Notices silos that became active after the job started and schedules one redeploy for them.</summary>
    private void OnMembershipSnapshot(ClusterMembershipSnapshot snapshot, bool first)
    {
        var active = snapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress).ToHashSet();
        if (first || _knownSilos is null)
        {
            _knownSilos = active;
            return;
        }

        var joined = active.Count(s => !_knownSilos.Contains(s));
        _knownSilos.UnionWith(active);
        if (joined == 0 || _joinTimer is not null || !Elastic.Enabled || !Elastic.RedeployOnJoin || !CanRedeploy)
        {
            return;
        }

        _joinBaseline = -1;
        _joinDeadline = time.GetTimestamp() + (long)(Elastic.JoinCheckpointWait.TotalSeconds * time.TimestampFrequency);
        _joinTimer = this.RegisterGrainTimer(static (self, _) => self.GuardedAsync(self.OnJoinTickAsync), this, new GrainTimerCreationOptions(TimeSpan.Zero, Options.JoinPollPeriod));
    }

    /// <summary>Redeploys once a checkpoint completed after the join, or when the wait is over.</summary>
    private async Task OnJoinTickAsync()
    {
        if (!CanRedeploy)
        {
            StopJoinWait();
            return;
        }

        long latest;
        try
        {
            latest = await Coordinator.GetLatestCompletedAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.JobOperationFailed(logger, e, JobId, "read the latest checkpoint for a redeploy onto a new silo");
            return;
        }

        if (_joinBaseline < 0)
        {
            _joinBaseline = latest;
        }

        if ((latest <= _joinBaseline && time.GetTimestamp() < _joinDeadline) || !CanRedeploy)
        {
            return;
        }

        StopJoinWait();
        await StopAttemptForRedeployAsync($"a silo joined; latest checkpoint {latest}");
        await RedeployNowAsync();
    }

    /// <summary>
    /// A failure of the running attempt while a silo's join is pending a redeploy (or not yet noticed) is absorbed by
    /// redeploying now: the new attempt restores the latest checkpoint either way. Orleans' memory stream queues move
    /// to the new silo's pulling agents when it joins, and batches an old agent had read but not delivered are lost
    /// (the channel's sequence check reports the gap); that is what this catches. A failure that recurs in the new
    /// attempt goes to the restart strategy as usual.
    /// </summary>
    private async Task<bool> AbsorbedByJoinRedeployAsync(int attempt, JobFailure failure)
    {
        var joinPending = _joinTimer is not null
            || (_knownSilos is { } known && membership.CurrentSnapshot.Members.Values.Any(m => m.Status == SiloStatus.Active && !known.Contains(m.SiloAddress)));
        if (!joinPending || attempt != Job.Attempt || !Elastic.Enabled || !Elastic.RedeployOnJoin || !CanRedeploy)
        {
            return false;
        }

        await StopAttemptForRedeployAsync($"a silo joined; the attempt failed meanwhile in {failure.OperatorName}[{failure.Subtask}]: {failure.Message}");
        await RedeployNowAsync();
        return true;
    }

    private void StopJoinWait()
    {
        _joinTimer?.Dispose();
        _joinTimer = null;
    }

    /// <summary>Stops the running attempt as a restart does, without consulting the restart strategy.</summary>
    private async Task StopAttemptForRedeployAsync(string reason)
    {
        StopJoinWait();
        ScaleLog.JobRedeploying(logger, JobId, Job.Attempt, reason);
        Lifecycle.BeginRedeploy();
        await StopCoordinatorAsync(jobEnded: false, discardCheckpoints: false); // first: no checkpoint of this attempt may complete now
        await PersistAsync();
        await CancelTasksAsync(Job.Attempt, CancellationToken.None);
    }

    /// <summary>A new attempt from the latest completed checkpoint (the restart path, which persists the attempt first).</summary>
    private async Task RedeployNowAsync()
    {
        _redeployFallback?.Dispose();
        _redeployFallback = null;
        Lifecycle.RedeployNow();
        try
        {
            await RestartAsync();
        }
        finally
        {
            Lifecycle.EndRedeploy();
        }
    }

    private void ArmRedeployFallback()
    {
        _redeployFallback?.Dispose();
        _redeployFallback = this.RegisterGrainTimer(
            static (self, _) => self.Lifecycle.IsAwaitingRedeploy ? self.GuardedAsync(self.RedeployNowAsync) : Task.CompletedTask,
            this,
            new GrainTimerCreationOptions(Elastic.DrainTimeout + Options.RedeployGrace, Timeout.InfiniteTimeSpan) { KeepAlive = true });
    }

    /// <summary>
    /// Deploys the attempt's tasks; with elastic scale on, task i goes to the i-th active silo (round-robin, silos
    /// that announced a graceful stop left out), so every silo gets a share.
    /// </summary>
    private Task DeploySpreadAsync(JobSubmission submission, IReadOnlyList<AttemptTask> tasks, long restoredCheckpointId, CancellationToken cancellationToken)
    {
        var silos = Elastic.Enabled ? TargetSilos() : [];
        return Task.WhenAll(tasks.Select((t, i) => DeployOnAsync(t.Grain, silos.Count == 0 ? null : silos[i % silos.Count], submission, restoredCheckpointId, cancellationToken)));
    }

    private static async Task DeployOnAsync(ITaskGrain task, SiloAddress? silo, JobSubmission submission, long restoredCheckpointId, CancellationToken cancellationToken)
    {
        // Request context set in this async method stays with this call (the caller's context is restored on return).
        if (silo is not null)
        {
            RequestContext.Set(IPlacementDirector.PlacementHintKey, silo);
        }

        await task.DeployAsync(submission, restoredCheckpointId, cancellationToken);
    }

    private List<SiloAddress> TargetSilos() =>
        [.. membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active && !_leaving.Contains(m.SiloAddress))
            .Select(m => m.SiloAddress)
            .OrderBy(s => s.ToString(), StringComparer.Ordinal)];
}
