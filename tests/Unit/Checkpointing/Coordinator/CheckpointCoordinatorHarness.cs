using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OrleansFlow.Checkpointing;
using OrleansFlow.Checkpoints;
using OrleansFlow.Jobs;

namespace OrleansFlow.Tests.Unit.Checkpointing.Coordinator;

/// <summary>
/// A <see cref="CheckpointCoordinator"/> over fakes and a <see cref="FakeTimeProvider"/>: a job of one source subtask
/// (vertex 0) and one sink subtask (vertex 1), running attempt 0, its job manager reporting it Running. Tests move
/// time with <see cref="AdvanceAsync"/>, which ticks the coordinator as the grain's timer would.
/// </summary>
internal sealed class CheckpointCoordinatorHarness
{
    public const string JobId = "job";
    public const int Source = 0;
    public const int Sink = 1;

    public CheckpointCoordinatorHarness()
    {
        Coordinator = new CheckpointCoordinator(JobId, State, Tasks, Job, Deleter, Time, NullLogger.Instance, () => Superseded++);
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public FakeCoordinatorStateStore State { get; } = new();

    public FakeTaskGateway Tasks { get; } = new();

    public FakeJobGateway Job { get; } = new(JobId);

    public FakeSegmentDeleter Deleter { get; } = new();

    public CheckpointCoordinator Coordinator { get; }

    /// <summary>How often the coordinator stepped aside.</summary>
    public int Superseded { get; private set; }

    /// <summary>The plan: vertex 0 a source, vertex 1 a sink, parallelism 1 each, no keyed state.</summary>
    public static JobPlan Plan { get; } = new(
        [new VertexPlan(Source, "source", 1, [0], IsSource: true, KeyedOperatorId: null), new VertexPlan(Sink, "sink", 1, [1], IsSource: false, KeyedOperatorId: null)],
        [new EdgePlan(Source, Sink, PartitionKind.Forward, 0, 0)],
        [new OperatorPlan(0, "source", null, "source", Source), new OperatorPlan(1, "sink", null, "sink", Sink)],
        "fp");

    /// <summary>Starts checkpointing attempt <paramref name="attempt"/> with these settings.</summary>
    public Task StartAsync(CheckpointSettings settings, int attempt = 0)
    {
        Job.Attempt = attempt;
        var submission = new JobSubmission(JobId, JobId, new JobSource(null, [], JobId), Plan, ExecutionSettings.Default, settings);
        return Coordinator.StartAsync(submission, attempt, jobManagerEpoch: 1, CancellationToken.None);
    }

    /// <summary>Moves time forward by <paramref name="by"/> and ticks the coordinator once.</summary>
    public async Task AdvanceAsync(TimeSpan by)
    {
        Time.Advance(by);
        await Coordinator.TickAsync(CancellationToken.None);
    }

    /// <summary>Moves time to <paramref name="offset"/> after the harness's start, ticking the coordinator every <paramref name="step"/> on the way.</summary>
    public async Task RunUntilAsync(TimeSpan offset, TimeSpan step)
    {
        var until = Start + offset;
        while (Time.GetUtcNow() + step <= until)
        {
            await AdvanceAsync(step);
        }

        if (Time.GetUtcNow() < until)
        {
            await AdvanceAsync(until - Time.GetUtcNow());
        }
    }

    /// <summary>When the harness's clock started.</summary>
    public DateTimeOffset Start { get; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Both subtasks acknowledge <paramref name="checkpointId"/> (the sink with <paramref name="sinkRecord"/>, if given).</summary>
    public async Task AcknowledgeAllAsync(long checkpointId, int attempt = 0, TaskSnapshot? sinkRecord = null)
    {
        await Coordinator.AcknowledgeAsync(checkpointId, Source, 0, attempt, Record());
        await Coordinator.AcknowledgeAsync(checkpointId, Sink, 0, attempt, sinkRecord ?? Record());
    }

    /// <summary>A subtask's record without keyed state.</summary>
    public static TaskSnapshot Record(params SegmentRef[] keyedState) =>
        new(SourcePosition: null, [], [], KeyedStateBytes: 0, KeysWritten: 0, KeyedState: keyedState.Length == 0 ? null : [.. keyedState]);

    /// <summary>A full keyed-state segment the sink wrote for <paramref name="checkpointId"/>.</summary>
    public static SegmentRef FullSegment(long checkpointId, int attempt = 0) =>
        new(JobId, OperatorId: 1, Subtask: 0, attempt, checkpointId, Full: true, Parts: 1, Entries: 1, Bytes: 10);

    /// <summary>A delta keyed-state segment the sink wrote for <paramref name="checkpointId"/>.</summary>
    public static SegmentRef DeltaSegment(long checkpointId, int attempt = 0) =>
        new(JobId, OperatorId: 1, Subtask: 0, attempt, checkpointId, Full: false, Parts: 1, Entries: 1, Bytes: 10, Since: checkpointId - 1);
}

/// <summary>The coordinator's persisted state in memory; a write can be made to fail.</summary>
internal sealed class FakeCoordinatorStateStore : ICoordinatorStateStore
{
    public CoordinatorState State { get; } = new();

    /// <summary>When set, every <see cref="WriteAsync"/> throws it (take-overs still succeed).</summary>
    public Exception? FailWrites { get; set; }

    /// <summary>The retained checkpoint ids as of the last successful write.</summary>
    public IReadOnlyList<long> PersistedRetained { get; private set; } = [];

    /// <summary>How many writes succeeded.</summary>
    public int Writes { get; private set; }

    public Task WriteAsync(CancellationToken cancellationToken)
    {
        if (FailWrites is { } failure)
        {
            return Task.FromException(failure);
        }

        Persisted();
        return Task.CompletedTask;
    }

    public Task TakeOverAsync(long? jobManagerEpoch, Action<CoordinatorState> command, CancellationToken cancellationToken)
    {
        if (jobManagerEpoch is { } epoch)
        {
            State.RefuseOlderJobManager(CheckpointCoordinatorHarness.JobId, epoch);
            State.JobManagerEpoch = epoch;
        }

        command(State);
        Persisted();
        return Task.CompletedTask;
    }

    private void Persisted()
    {
        Writes++;
        PersistedRetained = [.. State.Retained.Select(r => r.CheckpointId)];
    }
}

/// <summary>Records what the coordinator sends to tasks.</summary>
internal sealed class FakeTaskGateway : ICheckpointTaskGateway
{
    public List<(int Attempt, long CheckpointId)> Triggered { get; } = [];

    public List<(int Attempt, long CheckpointId)> Notified { get; } = [];

    /// <summary>When set, triggering throws it.</summary>
    public Exception? FailTriggers { get; set; }

    public Task TriggerCheckpointAsync(JobPlan plan, int attempt, long checkpointId, CancellationToken cancellationToken)
    {
        Triggered.Add((attempt, checkpointId));
        return FailTriggers is { } failure ? Task.FromException(failure) : Task.CompletedTask;
    }

    public Task NotifyCheckpointCompleteAsync(JobPlan plan, int attempt, long checkpointId, IReadOnlyDictionary<string, TaskSnapshot> records, CancellationToken cancellationToken)
    {
        Notified.Add((attempt, checkpointId));
        return Task.CompletedTask;
    }
}

/// <summary>A job manager that reports the job Running in <see cref="Attempt"/>, and records what it is told.</summary>
internal sealed class FakeJobGateway(string jobId) : ICheckpointJobGateway
{
    public int Attempt { get; set; }

    public JobStatus Status { get; set; } = JobStatus.Running;

    public List<(int Attempt, JobFailure Failure)> Failures { get; } = [];

    public List<long> StoppedAfterSavepoint { get; } = [];

    public List<SavepointMetadata> Savepoints { get; } = [];

    public Task<JobStatusInfo> GetStatusAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new JobStatusInfo(jobId, jobId, Status, null, FinishedTasks: 0, TotalTasks: 2, Attempt));

    public Task ReportFailureAsync(int attempt, JobFailure failure, CancellationToken cancellationToken)
    {
        Failures.Add((attempt, failure));
        return Task.CompletedTask;
    }

    public Task StopAfterSavepointAsync(long checkpointId, CancellationToken cancellationToken)
    {
        StoppedAfterSavepoint.Add(checkpointId);
        return Task.CompletedTask;
    }

    public Task StoreSavepointAsync(SavepointMetadata metadata, CancellationToken cancellationToken)
    {
        Savepoints.Add(metadata);
        return Task.CompletedTask;
    }
}

/// <summary>Records the deletions the coordinator asks for.</summary>
internal sealed class FakeSegmentDeleter : ISegmentDeleter
{
    public List<string> Deleted { get; } = [];

    public void Delete(IReadOnlyList<SegmentRef> segments) => Deleted.AddRange(segments.Select(s => s.StorageKey));

    public void DeleteKeys(IReadOnlyList<string> storageKeys) => Deleted.AddRange(storageKeys);

    public Task DrainAsync() => Task.CompletedTask;
}
