using Microsoft.Extensions.Logging;
using OrleansFlow.Checkpoints;
using OrleansFlow.Jobs;

namespace OrleansFlow.Diagnostics;

/// <summary>All runtime log messages, source-generated.</summary>
internal static partial class Log
{
    [LoggerMessage(OrleansFlowEventIds.TaskDeployed, LogLevel.Debug, "Task {TaskKey} deployed: {VertexName}")]
    public static partial void TaskDeployed(ILogger logger, string taskKey, string vertexName);

    [LoggerMessage(OrleansFlowEventIds.TaskFailed, LogLevel.Warning, "Task {TaskKey} failed")]
    public static partial void TaskFailed(ILogger logger, Exception exception, string taskKey);

    [LoggerMessage(OrleansFlowEventIds.TaskFinished, LogLevel.Debug, "Task {TaskKey} finished")]
    public static partial void TaskFinished(ILogger logger, string taskKey);

    [LoggerMessage(OrleansFlowEventIds.SourceFinished, LogLevel.Debug, "Source task {TaskKey} read {Records} records")]
    public static partial void SourceFinished(ILogger logger, string taskKey, long records);

    [LoggerMessage(OrleansFlowEventIds.KeysPassivated, LogLevel.Debug, "Task {TaskKey} passivated {Keys} idle keys; {Resident} keys stay resident")]
    public static partial void KeysPassivated(ILogger logger, string taskKey, int keys, int resident);

    [LoggerMessage(OrleansFlowEventIds.KeyedCallsResent, LogLevel.Information,
        "Task {TaskKey}: {Calls} per-key call(s) were rejected before they ran (key '{FirstKey}': {Reason}); sending them again to where the keys' grains live now")]
    public static partial void KeyedCallsResent(ILogger logger, string taskKey, int calls, string firstKey, string reason);

    [LoggerMessage(OrleansFlowEventIds.MaterializationFailed, LogLevel.Warning, "Task {TaskKey} could not write a full snapshot segment; its checkpoints go on with deltas")]
    public static partial void MaterializationFailed(ILogger logger, Exception exception, string taskKey);

    [LoggerMessage(OrleansFlowEventIds.CheckpointAcknowledgeFailed, LogLevel.Warning,
        "Task {TaskKey} could not acknowledge checkpoint {CheckpointId} to the coordinator; declining it")]
    public static partial void CheckpointAcknowledgeFailed(ILogger logger, Exception exception, string taskKey, long checkpointId);

    [LoggerMessage(OrleansFlowEventIds.CheckpointDeclineFailed, LogLevel.Warning,
        "Task {TaskKey} could not decline checkpoint {CheckpointId} ({Kind}) to the coordinator; the checkpoint ends when it times out")]
    public static partial void CheckpointDeclineFailed(ILogger logger, Exception exception, string taskKey, long checkpointId, DeclineKind kind);

    [LoggerMessage(OrleansFlowEventIds.CheckpointCommitFailed, LogLevel.Warning, "Task {TaskKey} could not commit its sinks' output of checkpoint {CheckpointId}")]
    public static partial void CheckpointCommitFailed(ILogger logger, Exception exception, string taskKey, long checkpointId);

    [LoggerMessage(OrleansFlowEventIds.SnapshotWriteFailed, LogLevel.Warning, "Task {TaskKey} could not write its keyed state for checkpoint {CheckpointId}; declining it")]
    public static partial void SnapshotWriteFailed(ILogger logger, Exception exception, string taskKey, long checkpointId);

    [LoggerMessage(OrleansFlowEventIds.SnapshotDiscardFailed, LogLevel.Warning,
        "Task {TaskKey} (cancelled) could not delete what it wrote for checkpoint {CheckpointId}, which it will not acknowledge; it stays in storage")]
    public static partial void SnapshotDiscardFailed(ILogger logger, Exception exception, string taskKey, long checkpointId);

    [LoggerMessage(OrleansFlowEventIds.StaleBatchDropped, LogLevel.Debug, "Task {TaskKey} dropped a batch of attempt {Attempt}")]
    public static partial void StaleBatchDropped(ILogger logger, string taskKey, int attempt);

    [LoggerMessage(OrleansFlowEventIds.JobSubmitted, LogLevel.Information, "Job {JobId} ({JobName}) submitted with {Tasks} tasks")]
    public static partial void JobSubmitted(ILogger logger, string jobId, string jobName, int tasks);

    [LoggerMessage(OrleansFlowEventIds.JobStatusChanged, LogLevel.Information, "Job {JobId} is {Status}")]
    public static partial void JobStatusChanged(ILogger logger, string jobId, JobStatus status);

    [LoggerMessage(OrleansFlowEventIds.JobDeployFailed, LogLevel.Warning, "Job {JobId} could not be deployed")]
    public static partial void JobDeployFailed(ILogger logger, Exception exception, string jobId);

    [LoggerMessage(OrleansFlowEventIds.JobFailed, LogLevel.Warning, "Job {JobId} failed in {OperatorName}[{Subtask}]: {Message}")]
    public static partial void JobFailed(ILogger logger, string jobId, string operatorName, int subtask, string message);

    [LoggerMessage(OrleansFlowEventIds.JobRestarting, LogLevel.Warning, "Job {JobId} attempt {Attempt} failed in {OperatorName}[{Subtask}]: {Message}; restarting in {DelayMs} ms")]
    public static partial void JobRestarting(ILogger logger, string jobId, int attempt, string operatorName, int subtask, string message, long delayMs);

    [LoggerMessage(OrleansFlowEventIds.JobOperationFailed, LogLevel.Warning, "Job {JobId}: could not {Operation}; the job goes on")]
    public static partial void JobOperationFailed(ILogger logger, Exception exception, string jobId, string operation);

    [LoggerMessage(OrleansFlowEventIds.TaskCancellationSlow, LogLevel.Warning, "Job {JobId}: not every task of attempt {Attempt} confirmed its cancellation within {WaitMs} ms; going on (the calls continue)")]
    public static partial void TaskCancellationSlow(ILogger logger, string jobId, int attempt, long waitMs);

    [LoggerMessage(OrleansFlowEventIds.JobManagerSuperseded, LogLevel.Warning, "Job {JobId}: this job manager activation (epoch {Epoch}, attempt {Attempt}) is stale and steps aside: {Reason}")]
    public static partial void JobManagerSuperseded(ILogger logger, string jobId, long epoch, int attempt, string reason);

    [LoggerMessage(OrleansFlowEventIds.JobManagerTookOver, LogLevel.Information, "Job {JobId}: job manager activation took the job over as epoch {Epoch} (status {Status}, attempt {Attempt})")]
    public static partial void JobManagerTookOver(ILogger logger, string jobId, long epoch, JobStatus status, int attempt);

    [LoggerMessage(OrleansFlowEventIds.JobRestartStalled, LogLevel.Warning, "Job {JobId} has been Restarting for {ElapsedMs} ms with no restart under way (attempt {Attempt}); restarting now")]
    public static partial void JobRestartStalled(ILogger logger, string jobId, long elapsedMs, int attempt);

    [LoggerMessage(OrleansFlowEventIds.JobManagerReportRetried, LogLevel.Warning, "Task {TaskKey}: reporting {Report} to the job manager failed (try {Try}); trying again")]
    public static partial void JobManagerReportRetried(ILogger logger, Exception exception, string taskKey, string report, int @try);

    [LoggerMessage(OrleansFlowEventIds.CoordinatorSuperseded, LogLevel.Warning, "Job {JobId}: this checkpoint coordinator activation is stale and steps aside: {Reason}")]
    public static partial void CoordinatorSuperseded(ILogger logger, string jobId, string reason);

    [LoggerMessage(OrleansFlowEventIds.SegmentDeletionFailed, LogLevel.Warning, "Job {JobId}: a snapshot segment no checkpoint needs could not be deleted; it stays in storage")]
    public static partial void SegmentDeletionFailed(ILogger logger, Exception exception, string jobId);

    [LoggerMessage(OrleansFlowEventIds.JobRestarted, LogLevel.Information, "Job {JobId} restarted as attempt {Attempt} from checkpoint {CheckpointId}")]
    public static partial void JobRestarted(ILogger logger, string jobId, int attempt, long checkpointId);

    [LoggerMessage(OrleansFlowEventIds.CheckpointTriggered, LogLevel.Debug, "Job {JobId}: checkpoint {CheckpointId} triggered")]
    public static partial void CheckpointTriggered(ILogger logger, string jobId, long checkpointId);

    [LoggerMessage(OrleansFlowEventIds.CheckpointCompleted, LogLevel.Information, "Job {JobId}: checkpoint {CheckpointId} completed in {DurationMs} ms ({Bytes} bytes)")]
    public static partial void CheckpointCompleted(ILogger logger, string jobId, long checkpointId, long durationMs, long bytes);

    [LoggerMessage(OrleansFlowEventIds.CheckpointFailed, LogLevel.Warning, "Job {JobId}: checkpoint {CheckpointId} failed: {Reason}")]
    public static partial void CheckpointFailed(ILogger logger, string jobId, long checkpointId, string reason);

    [LoggerMessage(OrleansFlowEventIds.CheckpointSkipped, LogLevel.Debug, "Job {JobId}: checkpoint not triggered: {Reason}")]
    public static partial void CheckpointSkipped(ILogger logger, string jobId, string reason);

    [LoggerMessage(OrleansFlowEventIds.CheckpointNotifyFailed, LogLevel.Warning, "Job {JobId}: telling tasks that checkpoint {CheckpointId} completed failed")]
    public static partial void CheckpointNotifyFailed(ILogger logger, Exception exception, string jobId, long checkpointId);

    [LoggerMessage(OrleansFlowEventIds.LocalStorageInitialized, LogLevel.Information, "Grain storage {ProviderName} keeps states in {Directory}")]
    public static partial void LocalStorageInitialized(ILogger logger, string providerName, string directory);

    [LoggerMessage(OrleansFlowEventIds.LocalStorageReadFailed, LogLevel.Error, "Grain storage {ProviderName} could not read state {StateName} of {GrainId} from {Path}")]
    public static partial void LocalStorageReadFailed(ILogger logger, Exception exception, string providerName, string stateName, GrainId grainId, string path);

    [LoggerMessage(OrleansFlowEventIds.LocalStorageWriteFailed, LogLevel.Error, "Grain storage {ProviderName} could not {Operation} state {StateName} of {GrainId} at {Path}")]
    public static partial void LocalStorageWriteFailed(ILogger logger, Exception exception, string providerName, string operation, string stateName, GrainId grainId, string path);

    [LoggerMessage(OrleansFlowEventIds.LocalStorageETagConflict, LogLevel.Debug, "Grain storage {ProviderName} refused to {Operation} state {StateName} of {GrainId}: stored ETag {StoredETag}, given {CurrentETag}")]
    public static partial void LocalStorageETagConflict(ILogger logger, string providerName, string operation, string stateName, GrainId grainId, string? storedETag, string? currentETag);

    [LoggerMessage(OrleansFlowEventIds.SavepointStored, LogLevel.Information, "Job {JobId}: checkpoint {CheckpointId} stored as savepoint {SavepointId}")]
    public static partial void SavepointStored(ILogger logger, string jobId, long checkpointId, string savepointId);

    [LoggerMessage(OrleansFlowEventIds.JobRestoredFromSavepoint, LogLevel.Information, "Job {JobId} starts from savepoint {SavepointId} (checkpoint {CheckpointId}), {Operators} operators restored")]
    public static partial void JobRestoredFromSavepoint(ILogger logger, string jobId, string savepointId, long checkpointId, int operators);

    [LoggerMessage(OrleansFlowEventIds.JobStoppedWithSavepoint, LogLevel.Information, "Job {JobId} stopped with savepoint {SavepointId}")]
    public static partial void JobStoppedWithSavepoint(ILogger logger, string jobId, string savepointId);
}
