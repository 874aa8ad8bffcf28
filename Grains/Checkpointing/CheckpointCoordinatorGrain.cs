using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Placement;
using Orleans.Serialization;
using Orleans.Storage;
using OrleansFlow.Checkpointing.Segments;
using OrleansFlow.Checkpoints;
using OrleansFlow.Configuration;
using OrleansFlow.Diagnostics;
using OrleansFlow.Jobs;

namespace OrleansFlow.Checkpointing;

/// <summary>
/// The grain of a job's <see cref="CheckpointCoordinator"/>, a thin shell: it owns the persistent state (written
/// fenced, <see cref="FencedCoordinatorState"/>), the grain timer that ticks the coordinator every few milliseconds,
/// and a reminder, registered while the job runs, that brings the coordinator back on another silo after a crash and
/// wakes the job manager. Grain calls go out through <see cref="GrainCheckpointGateway"/> and segment deletions
/// through <see cref="SegmentDeletionQueue"/>; every decision is the coordinator's.
/// <para>
/// Fencing: after a silo's death Orleans' in-cluster grain directory can briefly hold two activations of this grain.
/// Every write is version-checked and stamped with the writing activation (<see cref="FencedStateWrites"/>). The job
/// manager's commands (start, stop, seed) take the state over whichever activation receives them, and are refused when
/// they come from an older job manager generation than one already obeyed; an activation whose own write (a trigger,
/// a completion) finds another activation's write steps aside: it completes nothing, tells no task to commit, and
/// deactivates.
/// </para>
/// </summary>
[GrainType("flow.checkpoints")]
[Immovable] // pending checkpoints and its trigger timer live in the activation
internal sealed class CheckpointCoordinatorGrain(
    [PersistentState("coordinator", FlowNames.CheckpointStorage)] IPersistentState<CoordinatorState> state,
    [FromKeyedServices(FlowNames.CheckpointStorage)] IGrainStorage storage,
    Serializer serializer,
    TimeProvider time,
    IOptions<JobManagerOptions> jobManagerOptions,
    ILogger<CheckpointCoordinatorGrain> logger) : Grain, ICheckpointCoordinatorGrain, IRemindable
{
    private const string WatchdogReminder = "flow-job-watchdog";
    private CheckpointCoordinator? _coordinator;
    private GrainCheckpointGateway? _gateway;
    private IGrainTimer? _timer;

    private string JobId => this.GetPrimaryKeyString();

    private CheckpointCoordinator Coordinator => _coordinator ?? throw new InvalidOperationException("The checkpoint coordinator grain is not activated.");

    private GrainCheckpointGateway Gateway => _gateway ?? throw new InvalidOperationException("The checkpoint coordinator grain is not activated.");

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _gateway = new GrainCheckpointGateway(GrainFactory, JobId);
        var deleter = new SegmentDeletionQueue(() => new SegmentStore(storage, new SegmentCodec(serializer)), JobId, logger);
        _coordinator = new CheckpointCoordinator(JobId, new FencedCoordinatorState(state, JobId), _gateway, _gateway, deleter, time, logger, OnSuperseded);
        if (state.State.Attempt >= 0 && !state.State.JobEnded)
        {
            // Back after a failover: the job manager restarts the job, which starts us again. Make sure it knows.
            this.RegisterGrainTimer(static (self, _) => self.WakeJobManagerAsync(), this, new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan));
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task StartAsync(JobSubmission submission, int attempt, long jobManagerEpoch, CancellationToken cancellationToken)
    {
        if (!await Coordinator.StartAsync(submission, attempt, jobManagerEpoch, cancellationToken))
        {
            return;
        }

        var period = jobManagerOptions.Value.WatchdogReminderPeriod;
        try
        {
            await this.RegisterOrUpdateReminder(WatchdogReminder, period, period, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Only the last-resort wake-up: the silo-death notice and the job's tasks still wake the job manager, and the
            // next start registers it again. Failing the deployment for it (a reminder table on a stopping silo) would not.
            Log.JobOperationFailed(logger, e, JobId, "register the checkpoint coordinator's watchdog reminder");
        }
        _timer?.Dispose();
        var intervalMs = submission.Checkpointing!.IntervalMs;
        var tick = TimeSpan.FromMilliseconds(Math.Clamp(intervalMs / 10, 5, 200));
        _timer = this.RegisterGrainTimer(Coordinator.TickAsync, new GrainTimerCreationOptions(tick, tick) { KeepAlive = true });
    }

    /// <inheritdoc />
    public Task SeedFromSavepointAsync(long checkpointId, Dictionary<string, TaskSnapshot> tasks, CancellationToken cancellationToken) =>
        Coordinator.SeedFromSavepointAsync(checkpointId, tasks, cancellationToken);

    /// <inheritdoc />
    public Task<long> TriggerSavepointAsync(bool terminate, CancellationToken cancellationToken) =>
        Coordinator.TriggerSavepointAsync(terminate, cancellationToken);

    /// <inheritdoc />
    public Task<CheckpointStats?> GetCheckpointStatsAsync(long checkpointId, CancellationToken cancellationToken) =>
        Task.FromResult(Coordinator.GetCheckpointStats(checkpointId));

    /// <inheritdoc />
    public async Task StopAsync(bool jobEnded, bool discardCheckpoints, long jobManagerEpoch, CancellationToken cancellationToken)
    {
        Coordinator.AcceptCommand(jobManagerEpoch); // before touching anything: the current job's checkpoints go on
        _timer?.Dispose();
        _timer = null;
        await Coordinator.StopAsync(jobEnded, discardCheckpoints, jobManagerEpoch, cancellationToken);
        if (jobEnded && await this.GetReminder(WatchdogReminder, cancellationToken) is { } reminder)
        {
            await this.UnregisterReminder(reminder, cancellationToken);
        }
    }

    /// <inheritdoc />
    public Task AcknowledgeAsync(long checkpointId, int vertexId, int subtask, int attempt, TaskSnapshot snapshot, CancellationToken cancellationToken) =>
        Coordinator.AcknowledgeAsync(checkpointId, vertexId, subtask, attempt, snapshot);

    /// <inheritdoc />
    public Task DeclineAsync(long checkpointId, int vertexId, int subtask, int attempt, DeclineKind kind, string reason, CancellationToken cancellationToken)
    {
        Coordinator.Decline(checkpointId, vertexId, subtask, attempt, kind, reason);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<long> GetLatestCompletedAsync(CancellationToken cancellationToken) => Task.FromResult(Coordinator.LatestCompletedId);

    /// <inheritdoc />
    public Task<TaskSnapshot?> GetTaskSnapshotAsync(long checkpointId, int vertexId, int subtask, CancellationToken cancellationToken) =>
        Task.FromResult(Coordinator.GetTaskSnapshot(checkpointId, vertexId, subtask));

    /// <inheritdoc />
    public Task<CheckpointOverview> GetOverviewAsync(CancellationToken cancellationToken) => Coordinator.GetOverviewAsync(cancellationToken);

    /// <inheritdoc />
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (state.State.JobEnded)
        {
            if (await this.GetReminder(reminderName, CancellationToken.None) is { } reminder)
            {
                await this.UnregisterReminder(reminder, CancellationToken.None);
            }

            return;
        }

        await WakeJobManagerAsync();
    }

    private async Task WakeJobManagerAsync()
    {
        try
        {
            await Gateway.GetStatusAsync(CancellationToken.None); // activating it lets it notice a lost attempt
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.CheckpointSkipped(logger, JobId, $"the job manager did not answer: {e.Message}");
        }
    }

    /// <summary>Another activation owns the job's checkpoints: stop ticking and deactivate.</summary>
    private void OnSuperseded()
    {
        _timer?.Dispose();
        _timer = null;
        DeactivateOnIdle();
    }
}
