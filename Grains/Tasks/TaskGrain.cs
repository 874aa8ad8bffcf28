using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Placement;
using Orleans.Serialization;
using Orleans.Storage;
using Orleans.Streams;
using OrleansFlow.Checkpointing.Segments;
using OrleansFlow.Checkpoints;
using OrleansFlow.Configuration;
using OrleansFlow.Diagnostics;
using OrleansFlow.Jobs;
using OrleansFlow.Keyed;
using OrleansFlow.Messages;
using OrleansFlow.Metrics;
using OrleansFlow.Runtime;

namespace OrleansFlow.Tasks;

/// <summary>
/// A subtask of an operator chain. A regular (not stateless-worker) grain, so its input stream is FIFO per channel,
/// which control markers rely on. The stream handler never throws: a throwing consumer stalls its whole stream queue,
/// so failures are reported to the job manager instead. Nor does it wait: it puts the batch in the
/// <see cref="ChannelReceiver"/>'s inbox and returns, and stream deliveries may interleave with any other call
/// (<see cref="MayInterleave"/>), so a subtask that is busy (or a call waiting for its chain) never holds up the
/// transport; the receiver's loop processes the batches in order, and fetches from their senders those the transport
/// dropped.
/// </summary>
[ImplicitStreamSubscription(FlowNames.ChannelNamespace)]
[GrainType("flow.operator")] // the type name from before the rename (see ITaskGrain); no stored state or reminder names it
[Immovable] // tasks move with a checkpoint-aligned redeploy (elastic scale), never live: their channels and runtime are in memory
internal sealed partial class TaskGrain(
    JobGraphCache graphs, TimeProvider time, ILocalSiloDetails silo, IOptions<ChannelOptions> channelOptions, IOptions<TaskOptions> taskOptions, ILogger<TaskGrain> logger) : Grain, ITaskGrain
{
    private TaskAddress _address;
    private TaskRuntime? _runtime;
    private long _restoredCheckpointId;
    private TaskSnapshot? _restored;
    private bool _failed;
    private bool _cancelled;
    private bool _sourceStarted;
    private IGrainTimer? _keepAlive;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _address = GrainKeys.ParseTask(this.GetPrimaryKeyString());
        var stream = this.GetStreamProvider(FlowNames.ChannelStreamProvider)
            .GetStream<ChannelBatch>(StreamId.Create(FlowNames.ChannelNamespace, this.GetPrimaryKeyString()));
        await stream.SubscribeAsync((batch, _) => OnBatchAsync(batch));
    }

    public Task<TaskMetrics?> GetMetricsAsync(CancellationToken cancellationToken) =>
        Task.FromResult(_runtime?.Metrics(silo.SiloAddress.ToString()));

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _receiver?.Stop();
        if (_runtime is not null)
        {
            _runtime.Cancel();
            await _runtime.DisposeAsync();
        }
    }

    public async Task DeployAsync(JobSubmission submission, long restoredCheckpointId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(submission);
        if (_cancelled)
        {
            // A stale job manager (a duplicate activation after a silo's death) deploying an attempt the current one
            // has already cancelled: never start it.
            throw new InvalidOperationException($"Task {this.GetPrimaryKeyString()} was cancelled; its attempt has been replaced.");
        }

        // The job manager hands the submission over: building the graph needs no call back to it.
        var graph = await graphs.GetAsync(submission, cancellationToken);
        if (_runtime is null)
        {
            _restoredCheckpointId = restoredCheckpointId;
            if (restoredCheckpointId != CheckpointIds.None)
            {
                _restored = await GrainFactory.GetGrain<ICheckpointCoordinatorGrain>(_address.JobId)
                    .GetTaskSnapshotAsync(restoredCheckpointId, _address.VertexId, _address.Subtask, cancellationToken);
            }

            var created = CreateRuntime(graph);
            try
            {
                await created.RestoreKeyedStateAsync(cancellationToken);
            }
            catch (Exception)
            {
                created.Cancel();
                await created.DisposeAsync();
                throw;
            }

            _runtime = created;
            StartChannels(graph, this.GetPrimaryKeyString());
            Log.TaskDeployed(logger, this.GetPrimaryKeyString(), created.Name);
        }

        var runtime = _runtime;

        // A task may go a long time without calls (a source chained to its sink gets none; a sparse stream's consumer
        // waits): keep it active for the job's life, or Orleans would collect it and lose its channel state.
        _keepAlive ??= this.RegisterGrainTimer(static _ => Task.CompletedTask, new GrainTimerCreationOptions(taskOptions.Value.KeepAlivePeriod, taskOptions.Value.KeepAlivePeriod) { KeepAlive = true });
        if (runtime.HasPeriodicEmitters)
        {
            this.RegisterGrainTimer(EmitPeriodicWatermarksAsync, new GrainTimerCreationOptions(runtime.AutoWatermarkInterval, runtime.AutoWatermarkInterval) { KeepAlive = true });
        }

        if (runtime.HasKeys && runtime.IdleKeyPassivation is { } idle && _passivationTimer is null)
        {
            var period = PassivationSweepPeriod(idle);
            _passivationTimer = this.RegisterGrainTimer(PassivateIdleKeysAsync, idle, new GrainTimerCreationOptions(period, period) { KeepAlive = true });
        }
    }

    public Task<byte[]?> GetKeyImageAsync(string keyText, CancellationToken cancellationToken) =>
        Task.FromResult(_runtime?.KeyImage(keyText));

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var runtime = _runtime ?? throw new InvalidOperationException($"Task {this.GetPrimaryKeyString()} was started before it was deployed (its silo may have died).");
        if (runtime.IsSource && !_sourceStarted)
        {
            // Once: a second start (a repeated call, or a second job manager activation after a silo crash deploying the
            // same attempt) would run a second reader over the same input and emit every record twice.
            _sourceStarted = true;
            _ = RunSourceAsync(runtime);
        }

        return Task.CompletedTask;
    }

    public Task TriggerCheckpointAsync(long checkpointId, CancellationToken cancellationToken)
    {
        if (_runtime is { } runtime && !_failed && runtime.RequestCheckpoint(checkpointId))
        {
            return Task.CompletedTask;
        }

        // Fail the call, which aborts the checkpoint, rather than decline it: the coordinator awaits this call inside
        // its own turn, so a DeclineAsync call back would wait for that turn, and the turn for this call (a deadlock
        // until Orleans' 30 s response timeout, during which the coordinator serves nobody).
        return Task.FromException(new InvalidOperationException("the source subtask is not running (finished, failed or not deployed)"));
    }

    public async Task NotifyCheckpointCompleteAsync(long checkpointId, List<SegmentRef>? keyedState, CancellationToken cancellationToken)
    {
        if (_runtime is not { } runtime || _failed)
        {
            return;
        }

        try
        {
            await runtime.CommitAsync(checkpointId, keyedState);
        }
        catch (Exception e)
        {
            await FailAsync(e);
        }
    }

    public async Task CancelAsync(CancellationToken cancellationToken)
    {
        _cancelled = true;
        _runtime?.Cancel();
        _receiver?.Stop();
        _processingTimer?.Dispose();
        _passivationTimer?.Dispose();
        _probeTimer?.Dispose();
        _keepAlive?.Dispose();
        graphs.Evict(_address.JobId);
        if (_runtime is { } runtime)
        {
            // Snapshot segments no checkpoint will name (a full one still being written, deltas of checkpoints this task
            // will not acknowledge) go before the attempt is over.
            await runtime.SettleCancelledWritesAsync();
        }
    }

    public Task ReleaseAsync(CancellationToken cancellationToken)
    {
        _keepAlive?.Dispose();
        _keepAlive = null;
        _probeTimer?.Dispose();
        graphs.Evict(_address.JobId); // the job has ended: this silo no longer needs its rebuilt graph
        return Task.CompletedTask;
    }

    private async Task RunSourceAsync(TaskRuntime runtime)
    {
        // The start call returns first: a source whose first records take long (or block) must not hold up the job
        // manager, which starts every source and then goes on.
        await Task.Yield();
        try
        {
            await runtime.RunSourceAsync();
        }
        catch (OperationCanceledException) when (runtime.IsCancelled)
        {
        }
        catch (Exception e)
        {
            await FailAsync(e);
        }
    }

    private TaskRuntime CreateRuntime(JobGraph graph) =>
        new(
            GrainFactory, this.GetStreamProvider(FlowNames.ChannelStreamProvider), time, graph, _address, _restoredCheckpointId, _restored,
            SegmentStoreFor(graph), FailAsync, OnBatchDoneAsync, ReportFinishedAsync, e => Log.MaterializationFailed(logger, e, this.GetPrimaryKeyString()), logger);

    /// <summary>
    /// Snapshot segments go through the checkpoint storage provider, which a silo registers when checkpoints can be
    /// taken; a job that neither checkpoints nor restores needs none.
    /// </summary>
    private SegmentStore? SegmentStoreFor(JobGraph graph) =>
        graph.Submission.Checkpointing is { IsEnabled: true } || _restoredCheckpointId != CheckpointIds.None
            ? new SegmentStore(ServiceProvider.GetRequiredKeyedService<IGrainStorage>(FlowNames.CheckpointStorage), new SegmentCodec(ServiceProvider.GetRequiredService<Serializer>()))
            : null;

    /// <summary>Tells the job manager this subtask finished, retrying lost calls (see <see cref="JobManagerReports"/>).</summary>
    private async Task ReportFinishedAsync(CancellationToken cancellationToken)
    {
        var jobManager = GrainFactory.GetGrain<IJobManagerGrain>(_address.JobId);
        await JobManagerReports.DeliverAsync(
            () => jobManager.ReportFinishedAsync(_address.VertexId, _address.Subtask, _address.Attempt, cancellationToken),
            () => _cancelled,
            (error, attempt) => Log.JobManagerReportRetried(logger, error, this.GetPrimaryKeyString(), "finished", attempt),
            taskOptions.Value.JobManagerReportTimeout,
            time,
            cancellationToken);
    }

    private async Task FailAsync(Exception exception)
    {
        if (_failed)
        {
            return;
        }

        _failed = true;
        _keepAlive?.Dispose();
        _probeTimer?.Dispose();
        Log.TaskFailed(logger, exception, this.GetPrimaryKeyString());
        _runtime?.Cancel();
        _receiver?.Stop();
        var failure = _runtime?.DescribeFailure(exception)
            ?? new JobFailure($"vertex {_address.VertexId}", _address.Subtask, exception.Message, exception.GetType().Name);
        var jobManager = GrainFactory.GetGrain<IJobManagerGrain>(_address.JobId);
        try
        {
            // Retried: a lost failure report would leave the job waiting for this task for ever.
            await JobManagerReports.DeliverAsync(
                () => jobManager.ReportFailureAsync(_address.Attempt, failure, CancellationToken.None),
                () => _cancelled,
                (error, attempt) => Log.JobManagerReportRetried(logger, error, this.GetPrimaryKeyString(), "failure", attempt),
                taskOptions.Value.JobManagerReportTimeout,
                time,
                CancellationToken.None);
        }
        catch (Exception reportError)
        {
            Log.TaskFailed(logger, reportError, this.GetPrimaryKeyString());
        }
    }
}
