using OrleansFlow.Checkpointing;
using OrleansFlow.Checkpoints;
using OrleansFlow.Diagnostics;
using OrleansFlow.Execution;
using OrleansFlow.Jobs;
using OrleansFlow.Runtime;

namespace OrleansFlow.Tests.Unit.Runtime;

/// <summary>
/// A subtask's side of a checkpoint, as Flink's SubtaskCheckpointCoordinator does it: the synchronous part (sealing
/// sink output, recording watermarks and the source position) and forwarding the barrier happen at once; the
/// acknowledgement goes to the coordinator only when the asynchronous part (the keyed state's write) is durable; a
/// part that cannot be completed is declined; a cancelled subtask answers nothing. Runs on one exclusive scheduler,
/// as in a grain activation.
/// </summary>
[Trait("Category", "Unit")]
public sealed class SubtaskCheckpointerTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private static readonly TaskAddress Address = new("job", 2, 0, 1);
    private readonly TaskScheduler _scheduler = new ConcurrentExclusiveSchedulerPair().ExclusiveScheduler;
    private readonly List<string> _log = [];
    private readonly FakeResponder _responder;
    private readonly ListLogger _logger = new();
    private readonly CancellationTokenSource _cancellation = new();
    private readonly Mailbox _sinkLane = new();

    public SubtaskCheckpointerTests() => _responder = new FakeResponder(_log);

    [Fact]
    public Task SnapshotAsync_WithoutKeyedState_SealsSinksAndForwardsTheBarrierBeforeAcknowledgingWhatItRecorded() => OnGrainScheduler(async () =>
    {
        var checkpointer = Create(keyed: null, sinks: new() { [7] = new FakeSink("sink", _log, [1, 2, 3]) }, watermarks: new() { [3] = 100 });

        await checkpointer.SnapshotAsync(5, sourcePosition: 42, CancellationToken.None);
        await checkpointer.SettleAsync().WaitAsync(Timeout);

        Assert.Equal(["sink seal 5", "barrier 5", "acknowledge 5"], _log);
        var (checkpointId, snapshot) = Assert.Single(_responder.Acknowledged);
        Assert.Equal(5, checkpointId);
        Assert.Equal(42, snapshot.SourcePosition);
        Assert.Equal(100, snapshot.Watermarks[3]);
        Assert.Equal(new byte[] { 1, 2, 3 }, snapshot.SinkStates[7]);
        Assert.Null(snapshot.KeyedState);
        Assert.Empty(_responder.Declined);
    });

    [Fact]
    public Task SnapshotAsync_WhileTheKeyedStateIsBeingWritten_ForwardsTheBarrierAndAcknowledgesOnlyOnceTheWriteIsDurable() => OnGrainScheduler(async () =>
    {
        var keyed = new FakeKeyedSnapshots();
        var checkpointer = Create(keyed);

        await checkpointer.SnapshotAsync(5, sourcePosition: null, CancellationToken.None);

        Assert.Equal(["barrier 5"], _log);
        Assert.Equal(1, checkpointer.PendingAcknowledgements);
        keyed.Writes[5].SetResult(FakeKeyedSnapshots.Written(5, entries: 3, bytes: 300));
        await checkpointer.SettleAsync().WaitAsync(Timeout);
        Assert.Equal(["barrier 5", "acknowledge 5"], _log);
        var snapshot = Assert.Single(_responder.Acknowledged).Snapshot;
        Assert.Equal(300, snapshot.KeyedStateBytes);
        Assert.Equal(3, snapshot.KeysWritten);
        Assert.Equal(5, Assert.Single(snapshot.KeyedState!).CheckpointId);
        Assert.Equal(0, checkpointer.PendingAcknowledgements);
    });

    [Fact]
    public Task SnapshotAsync_WhenTheKeyedStateCannotBeWritten_DeclinesTheCheckpointAsFailedAndLogsWhy() => OnGrainScheduler(async () =>
    {
        var keyed = new FakeKeyedSnapshots();
        var checkpointer = Create(keyed);
        await checkpointer.SnapshotAsync(5, sourcePosition: null, CancellationToken.None);

        keyed.Writes[5].SetException(new IOException("storage down"));
        await checkpointer.SettleAsync().WaitAsync(Timeout);

        Assert.Empty(_responder.Acknowledged);
        var decline = Assert.Single(_responder.Declined);
        Assert.Equal((5L, DeclineKind.SnapshotFailed), (decline.CheckpointId, decline.Kind));
        Assert.Contains("storage down", decline.Reason);
        Assert.Contains(_logger.Entries, e => e.EventId.Id == OrleansFlowEventIds.SnapshotWriteFailed && e.Exception is IOException);
    });

    [Fact]
    public Task SnapshotAsync_WhenTheAcknowledgementFails_LogsItAndDeclinesTheCheckpoint() => OnGrainScheduler(async () =>
    {
        _responder.AcknowledgeFailure = new TimeoutException("coordinator unreachable");
        var checkpointer = Create(keyed: null);

        await checkpointer.SnapshotAsync(5, sourcePosition: null, CancellationToken.None);
        await checkpointer.SettleAsync().WaitAsync(Timeout);

        Assert.Equal(["barrier 5", "acknowledge 5", "decline 5 SnapshotFailed"], _log);
        Assert.Contains(_logger.Entries, e => e.EventId.Id == OrleansFlowEventIds.CheckpointAcknowledgeFailed && e.Exception is TimeoutException);
    });

    [Fact]
    public Task DeclineAsync_WhenTheCoordinatorCannotBeReached_LogsItAndDoesNotThrow() => OnGrainScheduler(async () =>
    {
        _responder.DeclineFailure = new TimeoutException("coordinator unreachable");
        var checkpointer = Create(keyed: null);

        await checkpointer.DeclineAsync(5, DeclineKind.SnapshotFailed, "test");

        var entry = Assert.Single(_logger.Entries);
        Assert.Equal(OrleansFlowEventIds.CheckpointDeclineFailed, entry.EventId.Id);
        Assert.IsType<TimeoutException>(entry.Exception);
    });

    [Fact]
    public Task DeclineAborted_WithASubsumedOrCancelledCheckpoint_DeclinesWithTheMatchingKind() => OnGrainScheduler(async () =>
    {
        var checkpointer = Create(keyed: null);

        checkpointer.DeclineAborted(new AbortedCheckpoint(3, CheckpointFailureReason.Subsumed));
        checkpointer.DeclineAborted(new AbortedCheckpoint(4, CheckpointFailureReason.CancellationMarker));
        await Task.Yield();

        // Flink: CHECKPOINT_DECLINED_SUBSUMED and CHECKPOINT_DECLINED_ON_CANCELLATION_BARRIER; neither counts as a failure.
        Assert.Equal(new[] { (3L, DeclineKind.Subsumed), (4L, DeclineKind.CancellationMarker) }, _responder.Declined.Select(d => (d.CheckpointId, d.Kind)));
    });

    [Fact]
    public Task SnapshotAsync_WhenTheSubtaskIsCancelledBeforeTheWriteEnds_AnswersNothingAndDeletesWhatItWrote() => OnGrainScheduler(async () =>
    {
        var keyed = new FakeKeyedSnapshots();
        var checkpointer = Create(keyed);
        await checkpointer.SnapshotAsync(5, sourcePosition: null, CancellationToken.None);

        await _cancellation.CancelAsync();
        keyed.Writes[5].SetResult(FakeKeyedSnapshots.Written(5, entries: 1, bytes: 10));
        await checkpointer.SettleAsync().WaitAsync(Timeout);

        Assert.Empty(_responder.Acknowledged);
        Assert.Empty(_responder.Declined);
        Assert.Equal([5L], keyed.Discarded);
        Assert.Empty(_logger.Entries);
    });

    [Fact]
    public Task SettleAsync_WhenACancelledSubtasksDeleteFails_LogsItAndStillSettles() => OnGrainScheduler(async () =>
    {
        var keyed = new FakeKeyedSnapshots { DiscardFailure = new IOException("storage down") };
        var checkpointer = Create(keyed);
        await checkpointer.SnapshotAsync(5, sourcePosition: null, CancellationToken.None);

        await _cancellation.CancelAsync();
        keyed.Writes[5].SetException(new OperationCanceledException());
        await checkpointer.SettleAsync().WaitAsync(Timeout);

        Assert.Empty(_responder.Declined);
        Assert.Contains(_logger.Entries, e => e.EventId.Id == OrleansFlowEventIds.SnapshotDiscardFailed);
    });

    [Fact]
    public Task CommitAsync_WhenACheckpointCompletes_CommitsEverySinkAndTellsTheKeyedSnapshots() => OnGrainScheduler(async () =>
    {
        var keyed = new FakeKeyedSnapshots();
        var checkpointer = Create(keyed, sinks: new() { [7] = new FakeSink("a", _log), [8] = new FakeSink("b", _log) });

        await checkpointer.CommitAsync(6, keyedState: null);
        await checkpointer.CommitAsync(4, keyedState: null); // a late notice of an older checkpoint

        Assert.Equal(["a commit 6", "b commit 6", "a commit 4", "b commit 4"], _log);
        Assert.Equal([6L, 4L], keyed.Completed.Select(c => c.CheckpointId));
        Assert.Equal(6, checkpointer.LastCompletedCheckpointId);
    });

    [Fact]
    public Task CommitAsync_AtTheEndOfInput_CommitsSinksButIsNoCheckpoint() => OnGrainScheduler(async () =>
    {
        var keyed = new FakeKeyedSnapshots();
        var checkpointer = Create(keyed, sinks: new() { [7] = new FakeSink("a", _log) }, lastCompleted: 3);

        await checkpointer.CommitAsync(CheckpointIds.EndOfInput, keyedState: null);

        Assert.Equal([$"a commit {CheckpointIds.EndOfInput}"], _log);
        Assert.Empty(keyed.Completed);
        Assert.Equal(3, checkpointer.LastCompletedCheckpointId);
    });

    [Fact]
    public Task CommitAsync_WhenASinkCannotCommit_LogsAndRethrows() => OnGrainScheduler(async () =>
    {
        var sink = new FakeSink("a", _log) { CommitFailure = new IOException("disk full") };
        var checkpointer = Create(keyed: null, sinks: new() { [7] = sink });

        await Assert.ThrowsAsync<IOException>(() => checkpointer.CommitAsync(6, keyedState: null));

        Assert.Contains(_logger.Entries, e => e.EventId.Id == OrleansFlowEventIds.CheckpointCommitFailed && e.Exception is IOException);
    });

    [Fact]
    public Task CommitAsync_WhileAnOutputFlushRuns_WaitsForItInTheSinkLane() => OnGrainScheduler(async () =>
    {
        var checkpointer = Create(keyed: null, sinks: new() { [7] = new FakeSink("a", _log) });
        var releaseFlush = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var flush = _sinkLane.RunAsync(async () =>
        {
            _log.Add("flush started");
            await releaseFlush.Task;
            _log.Add("flush ended");
        });

        var commit = checkpointer.CommitAsync(6, keyedState: null);
        Assert.Equal(["flush started"], _log);
        releaseFlush.SetResult();
        await Task.WhenAll(flush, commit).WaitAsync(Timeout);

        Assert.Equal(["flush started", "flush ended", "a commit 6"], _log);
    });

    [Theory]
    [InlineData(CheckpointIds.None, null, false)] // a first run restores nothing
    [InlineData(9L, null, true)]                  // a restart restores what the sink recorded in the checkpoint
    [InlineData(9L, 7, true)]                     // a savepoint that holds this sink's state
    [InlineData(9L, 8, false)]                    // a savepoint without it: the sink is new in this job and starts fresh
    public void SinkRestoreFor_GivesTheStateOfTheRestoredCheckpointUnlessTheSinkIsNewToIt(long restoredCheckpointId, int? savepointOperator, bool restores)
    {
        var savepoint = savepointOperator is { } id ? new SavepointRestore("sp", 9, [id]) : null;
        var restored = new TaskSnapshot(null, [], new() { [7] = [4, 2] }, 0, 0);

        var restore = SubtaskCheckpointer.SinkRestoreFor(7, restoredCheckpointId, savepoint, restored);

        Assert.Equal(restores, restore is not null);
        if (restore is not null)
        {
            Assert.Equal(9, restore.CheckpointId);
            Assert.Equal(new byte[] { 4, 2 }, restore.State);
        }
    }

    [Fact]
    public void SinkRestoreFor_WhenTheCheckpointHoldsNoStateForTheSink_RestoresAnEmptyState()
    {
        var restore = SubtaskCheckpointer.SinkRestoreFor(7, 9, savepoint: null, new TaskSnapshot(null, [], [], 0, 0));

        Assert.NotNull(restore);
        Assert.Empty(restore.State);
    }

    public void Dispose()
    {
        _cancellation.Dispose();
        _sinkLane.Dispose();
    }

    private SubtaskCheckpointer Create(
        IKeyedSnapshots? keyed, Dictionary<int, ISinkCollector>? sinks = null, Dictionary<int, long>? watermarks = null, long lastCompleted = 0) =>
        new(
            Address,
            "sum",
            _responder,
            keyed,
            sinks ?? [],
            (watermarks ?? []).ToDictionary(w => w.Key, w => (IWatermarkAssigner)new FakeAssigner(w.Value)),
            (checkpointId, _) =>
            {
                _log.Add($"barrier {checkpointId}");
                return Task.CompletedTask;
            },
            _sinkLane,
            lastCompleted,
            _logger,
            _cancellation.Token);

    private Task OnGrainScheduler(Func<Task> body) =>
        Task.Factory.StartNew(body, CancellationToken.None, TaskCreationOptions.DenyChildAttach, _scheduler).Unwrap();
}
