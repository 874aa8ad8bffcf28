namespace OrleansFlow.Diagnostics;

/// <summary>Event ids of OrleansFlow log messages, ranged by area.</summary>
internal static class OrleansFlowEventIds
{
    // 3xxx: operators
    public const int TaskDeployed = 3000;
    public const int TaskFailed = 3001;
    public const int TaskFinished = 3002;
    public const int SourceFinished = 3003;
    public const int StaleBatchDropped = 3004;
    public const int JobManagerReportRetried = 3005;
    public const int ChannelGapRepaired = 3006;
    public const int ChannelRepairFailed = 3007;
    public const int ChannelDuplicateDropped = 3008;
    public const int ChannelProbeFailed = 3009;
    public const int ChannelGrantFailed = 3010;
    public const int KeysPassivated = 3011;
    public const int MaterializationFailed = 3012;
    public const int KeyedCallsResent = 3013;
    public const int CheckpointAcknowledgeFailed = 3014;
    public const int CheckpointDeclineFailed = 3015;
    public const int CheckpointCommitFailed = 3016;
    public const int SnapshotWriteFailed = 3017;
    public const int SnapshotDiscardFailed = 3018;
    public const int ChannelReplayRefused = 3019;
    public const int ChannelReplayNotDeployed = 3020;

    // 4xxx: job manager
    public const int JobSubmitted = 4000;
    public const int JobStatusChanged = 4001;
    public const int JobDeployFailed = 4002;
    public const int JobFailed = 4003;
    public const int JobRestarting = 4004;
    public const int JobRestarted = 4005;
    public const int JobManagerSuperseded = 4006;
    public const int JobOperationFailed = 4007;
    public const int TaskCancellationSlow = 4008;
    public const int JobManagerTookOver = 4009;
    public const int JobRestartStalled = 4010;

    // 8xxx: elastic scale
    public const int JobRedeploying = 8000;
    public const int SiloDrainStarted = 8001;
    public const int SiloDrainFinished = 8002;
    public const int SiloDrainStepFailed = 8003;
    public const int JobManagersWoken = 8004;
    public const int JobManagerWakeUpFailed = 8005;
    public const int SiloDrainGrainsStayed = 8006;
    public const int SiloDrainStepDone = 8007;

    // 6xxx: checkpoints
    public const int CheckpointTriggered = 6000;
    public const int CheckpointCompleted = 6001;
    public const int CheckpointFailed = 6002;
    public const int CheckpointSkipped = 6003;
    public const int CheckpointNotifyFailed = 6004;
    public const int SavepointStored = 6005;
    public const int JobRestoredFromSavepoint = 6006;
    public const int JobStoppedWithSavepoint = 6007;
    public const int CoordinatorSuperseded = 6008;
    public const int SegmentDeletionFailed = 6009;

    // 5xxx: storage
    public const int LocalStorageInitialized = 5000;
    public const int LocalStorageReadFailed = 5001;
    public const int LocalStorageWriteFailed = 5002;
    public const int LocalStorageETagConflict = 5003;

    // 7xxx: job artifacts
    public const int ArtifactStored = 7000;
    public const int ArtifactLoaded = 7001;
    public const int ArtifactUnloaded = 7002;
    public const int ArtifactKept = 7003;
}
