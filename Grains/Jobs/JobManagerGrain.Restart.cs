using Microsoft.Extensions.Logging;
using OrleansFlow.Checkpointing;
using OrleansFlow.Checkpoints;
using OrleansFlow.Configuration;
using OrleansFlow.Diagnostics;
using OrleansFlow.Graph;

namespace OrleansFlow.Jobs;

/// <summary>
/// Failures and restarts: <see cref="JobRestarter"/> decides each step with <see cref="JobLifecycle"/> and the grain
/// carries it out as the restarter's <see cref="IJobAttemptControl"/> (coordinator calls, fenced writes, task
/// deployment and cancellation, the restart timer). Also the membership watch, stepping aside and the watchdog.
/// </summary>
internal sealed partial class JobManagerGrain : IJobAttemptControl
{
    private IGrainTimer? _restartTimer;
    private IGrainTimer? _watchdog;

    public async Task ReportFailureAsync(int attempt, JobFailure failure, CancellationToken cancellationToken)
    {
        await GuardedAsync(() => HandleFailureAsync(attempt, failure));
        ThrowIfStale(); // not handled here: the task retries and reaches the activation that drives the job now
    }

    /// <summary>Hands a failure of the current attempt to the restart strategy (<see cref="JobRestarter"/>).</summary>
    private Task HandleFailureAsync(int attempt, JobFailure failure) => Restarter.HandleFailureAsync(attempt, failure);

    /// <summary>A new attempt from the latest completed checkpoint, with fresh task grains.</summary>
    private Task RestartAsync() => Restarter.RestartAsync();

    Task IJobAttemptControl.StopCoordinatorAsync(bool jobEnded, bool discardCheckpoints) => StopCoordinatorAsync(jobEnded, discardCheckpoints);

    Task<long> IJobAttemptControl.GetLatestCompletedCheckpointAsync() => Coordinator.GetLatestCompletedAsync(CancellationToken.None);

    Task IJobAttemptControl.PersistAsync() => PersistAsync();

    Task IJobAttemptControl.WriteNewAttemptAsync() => Fenced.WriteAsync(CancellationToken.None);

    Task IJobAttemptControl.CancelTasksAsync(int attempt) => CancelTasksAsync(attempt, CancellationToken.None);

    Task IJobAttemptControl.KeepFinalMetricsAsync(int attempt) => KeepFinalMetricsAsync(attempt);

    Task IJobAttemptControl.DeployTasksAsync(int attempt, long restoredCheckpointId, CancellationToken cancellationToken) =>
        DeploySpreadAsync(Job.Submission!, [.. TasksOf(attempt)], restoredCheckpointId, cancellationToken);

    Task IJobAttemptControl.StartCoordinatorAsync(int attempt, CancellationToken cancellationToken) =>
        Coordinator.StartAsync(Job.Submission!, attempt, Job.Epoch, cancellationToken);

    Task IJobAttemptControl.StartSourcesAsync(int attempt, CancellationToken cancellationToken) =>
        Task.WhenAll(TasksOf(attempt).Where(t => t.Vertex.IsSource).Select(t => t.Grain.StartAsync(cancellationToken)));

    void IJobAttemptControl.ScheduleRestart(TimeSpan delay)
    {
        _restartTimer?.Dispose();
        _restartTimer = this.RegisterGrainTimer(static (self, _) => self.GuardedAsync(self.RestartAsync), this, new GrainTimerCreationOptions(delay, Timeout.InfiniteTimeSpan) { KeepAlive = true });
    }

    void IJobAttemptControl.StepAside(string reason) => StepAside(reason);

    Task<bool> IJobAttemptControl.AbsorbedByRedeployAsync(int attempt, JobFailure failure) => AbsorbedByJoinRedeployAsync(attempt, failure);

    /// <summary>
    /// A silo that leaves the cluster dead takes tasks and per-key state with it: the attempt has failed. The watch
    /// ends with the job (at the next membership change after it).
    /// </summary>
    private async Task WatchMembershipAsync()
    {
        var dead = new HashSet<SiloAddress>();
        var first = true;
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates)
            {
                // Only a silo declared dead: calls to one still stopping would wait for it, and the restart with them.
                foreach (var member in snapshot.Members.Values.Where(m => m.Status == SiloStatus.Dead))
                {
                    if (!dead.Add(member.SiloAddress) || first || Lifecycle.IsStale || Job.Status.IsTerminal() || _drained.Contains(member.SiloAddress))
                    {
                        continue;
                    }

                    Restarter.Poison.SiloDied(Job.Attempt); // also while the attempt deploys (PoisonousJobGuard)
                    if (Job.Status == JobStatus.Running)
                    {
                        // Handled in a turn of its own, so this watch keeps reading while the restart waits for calls.
                        var failure = new JobFailure("(cluster)", 0, $"silo {member.SiloAddress} died", PoisonousJobGuard.SiloFailureType);
                        var attempt = Job.Attempt;
                        this.RegisterGrainTimer(
                            static (state, _) => state.Self.GuardedAsync(() => state.Self.HandleFailureAsync(state.Attempt, state.Failure)),
                            (Self: this, Attempt: attempt, Failure: failure),
                            new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan));
                    }
                }

                OnMembershipSnapshot(snapshot, first);
                first = false;
                if (Job.Status.IsTerminal() || Lifecycle.IsStale)
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
            // The silo is shutting down.
        }
    }

    private ICheckpointCoordinatorGrain Coordinator => GrainFactory.GetGrain<ICheckpointCoordinatorGrain>(JobId);

    private async Task StopCoordinatorAsync(bool jobEnded, bool discardCheckpoints)
    {
        try
        {
            await Coordinator.StopAsync(jobEnded, discardCheckpoints, Job.Epoch, CancellationToken.None);
        }
        catch (Exception e)
        {
            Log.JobOperationFailed(logger, e, JobId, "stop the checkpoint coordinator");
        }
    }

    /// <summary>
    /// Tells every task of an attempt to stop, waiting at most <see cref="JobManagerOptions.CancelWait"/>: tasks on dead silos cannot
    /// answer, and a call to a task whose directory entry died with a silo can wait for Orleans' 30 s response timeout.
    /// Not waiting longer is safe: only the job manager and the coordinator tell sinks to commit, never for an attempt
    /// that was replaced, and per-key grains ignore calls of an older attempt. The calls go on; failures are logged.
    /// </summary>
    private async Task CancelTasksAsync(int attempt, CancellationToken cancellationToken)
    {
        var cancelling = CancelAllTasksAsync(attempt, cancellationToken);
        if (await Task.WhenAny(cancelling, Task.Delay(Options.CancelWait, time, cancellationToken)) != cancelling)
        {
            Log.TaskCancellationSlow(logger, JobId, attempt, (long)Options.CancelWait.TotalMilliseconds);
        }
    }

    private async Task CancelAllTasksAsync(int attempt, CancellationToken cancellationToken)
    {
        foreach (var chunk in TasksOf(attempt).Chunk(64))
        {
            try
            {
                await Task.WhenAll(chunk.Select(t => t.Grain.CancelAsync(cancellationToken)));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Log.JobOperationFailed(logger, e, JobId, "cancel tasks");
            }
        }
    }


    /// <summary>Every task of <paramref name="attempt"/>.</summary>
    private IEnumerable<AttemptTask> TasksOf(int attempt) => AttemptTasks.Of(GrainFactory, JobId, Job.Submission!.Plan, attempt);

    /// <summary>What follows every status the lifecycle sets: the log line, and the bookkeeping of a job that ended.</summary>
    private void OnStatusChanged(JobStatus status)
    {
        Log.JobStatusChanged(logger, JobId, status);
        if (status.IsTerminal())
        {
            if (Job.Submission!.Source.LocalGraphId is { } local)
            {
                LocalGraphRegistry.Remove(local);
            }

            _terminal.TrySetResult();
        }
    }

    /// <summary>
    /// Writes the job's state; a failed write is logged and the job goes on (the next transition writes again, taking
    /// over the stored ETag should the failed write have reached storage after all). When another activation has
    /// written since, this one is stale: it steps aside and <see cref="StaleActivationException"/> unwinds what it was doing.
    /// </summary>
    private async Task PersistAsync()
    {
        try
        {
            await Fenced.WriteAsync(CancellationToken.None);
        }
        catch (StaleActivationException e)
        {
            StepAside(e.Message);
            throw;
        }
        catch (StorageLostException e)
        {
            await FailOnLostStorageAsync(e);
            throw new StaleActivationException($"Job {JobId}: {e.Message}");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.JobOperationFailed(logger, e, JobId, "persist the job state");
        }
    }

    /// <summary>
    /// Storage lost the job's record: the job is Failed with that reason, the record is written afresh (the conflict's
    /// read left no ETag, so the write creates it) for the next activation and every client to find, the attempt's
    /// tasks are told to cancel, and this activation steps aside; what it was doing unwinds as for a stale activation.
    /// </summary>
    private async Task FailOnLostStorageAsync(StorageLostException lost)
    {
        var attempt = Job.Attempt;
        Lifecycle.StorageLost(new JobFailure("(storage)", 0, lost.Message, nameof(StorageLostException)));
        Log.JobFailed(logger, JobId, Job.Failure!.OperatorName, Job.Failure.Subtask, Job.Failure.Message);
        try
        {
            await Fenced.WriteAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.JobOperationFailed(logger, e, JobId, "record the job's failure after storage lost its state");
        }

        _ = CancelTasksAsync(attempt, CancellationToken.None);
        StepAside(lost.Message);
    }

    /// <summary>Stops driving the job: timers end, nothing more is deployed or commanded, and the activation deactivates.</summary>
    private void StepAside(string reason)
    {
        if (!Lifecycle.StepAside())
        {
            return;
        }

        Log.JobManagerSuperseded(logger, JobId, Job.Epoch, Job.Attempt, reason);
        _restartTimer?.Dispose();
        _watchdog?.Dispose();
        StopJoinWait();
        _redeployFallback?.Dispose();
        DeactivateOnIdle();
    }

    private void ThrowIfStale()
    {
        if (Lifecycle.IsStale)
        {
            throw new StaleActivationException($"Job {JobId}: this job manager activation was superseded and is deactivating; try again.");
        }
    }

    /// <summary>Runs a step of the job's life; a step cut short because this activation turned out stale ends quietly.</summary>
    private async Task GuardedAsync(Func<Task> step)
    {
        try
        {
            await step();
        }
        catch (StaleActivationException e)
        {
            StepAside(e.Message); // also when a coordinator refused our epoch: a newer job manager exists
        }
    }

    private void StartWatchdog() =>
        _watchdog ??= this.RegisterGrainTimer(static (self, _) => self.GuardedAsync(self.WatchdogTickAsync), this, new GrainTimerCreationOptions(Options.WatchdogPeriod, Options.WatchdogPeriod) { KeepAlive = true });

    /// <summary>
    /// Restarts a job left Restarting with no restart scheduled or running (a step that failed in a way nothing
    /// handled); ends with the job. Timer turns do not interleave with other turns, so it never sees a step midway.
    /// </summary>
    private Task WatchdogTickAsync()
    {
        if (Lifecycle.IsStale || Job.Submission is null || Job.Status.IsTerminal())
        {
            _watchdog?.Dispose();
            _watchdog = null;
            return Task.CompletedTask;
        }

        if (!Lifecycle.IsRestartStalled(out var stalledFor))
        {
            return Task.CompletedTask;
        }

        Log.JobRestartStalled(logger, JobId, (long)stalledFor.TotalMilliseconds, Job.Attempt);
        return RestartAsync();
    }
}
