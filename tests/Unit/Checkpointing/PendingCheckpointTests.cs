using Microsoft.Extensions.Time.Testing;
using OrleansFlow.Checkpointing;

namespace OrleansFlow.Tests.Unit.Checkpointing;

[Trait("Category", "Unit")]
public sealed class PendingCheckpointTests
{
    private static readonly (int, int) Source0 = (0, 0);
    private static readonly (int, int) Source1 = (0, 1);
    private static readonly (int, int) Sink0 = (1, 0);
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Acknowledge_WhenEveryTaskAcknowledges_IsFullyAcknowledgedWithTheTotalSize()
    {
        var checkpoint = Create();

        Assert.Equal(AcknowledgeResult.Success, checkpoint.Acknowledge(Source0, 100));
        Assert.False(checkpoint.IsFullyAcknowledged);
        Assert.Equal(AcknowledgeResult.Success, checkpoint.Acknowledge(Sink0, 50));
        Assert.Equal([Source1], checkpoint.NotYetAcknowledged);
        Assert.Equal(AcknowledgeResult.Success, checkpoint.Acknowledge(Source1, 25));

        Assert.True(checkpoint.IsFullyAcknowledged);
        Assert.Equal(3, checkpoint.AcknowledgedCount);
        Assert.Equal(175, checkpoint.TotalStateSize);
        Assert.Equal(PendingCheckpointStatus.InProgress, checkpoint.Status);
    }

    [Fact]
    public void Acknowledge_WhenTheTaskAcknowledgedBefore_IsDuplicateAndCountsOnce()
    {
        var checkpoint = Create();
        checkpoint.Acknowledge(Source0, 100);

        Assert.Equal(AcknowledgeResult.Duplicate, checkpoint.Acknowledge(Source0, 100));
        Assert.Equal(1, checkpoint.AcknowledgedCount);
        Assert.Equal(100, checkpoint.TotalStateSize);
    }

    [Fact]
    public void Acknowledge_WhenTheTaskIsNotPartOfTheCheckpoint_IsUnknown()
    {
        var checkpoint = Create();

        Assert.Equal(AcknowledgeResult.Unknown, checkpoint.Acknowledge((7, 0), 10));
        Assert.Equal(0, checkpoint.AcknowledgedCount);
        Assert.Equal(0, checkpoint.TotalStateSize);
    }

    [Fact]
    public void Acknowledge_WhenAborted_IsDiscarded()
    {
        var checkpoint = Create();
        checkpoint.Abort(CheckpointFailureReason.Subsumed);

        Assert.Equal(AcknowledgeResult.Discarded, checkpoint.Acknowledge(Source0, 10));
        Assert.Equal(0, checkpoint.AcknowledgedCount);
    }

    [Fact]
    public void Acknowledge_WhenCompleted_IsDiscarded()
    {
        var checkpoint = Create([Source0]);
        checkpoint.Acknowledge(Source0, 1);
        checkpoint.Complete();

        Assert.Equal(AcknowledgeResult.Discarded, checkpoint.Acknowledge(Source0, 1));
    }

    [Fact]
    public void Complete_WhenFullyAcknowledged_RecordsDurationFromTriggerToCompletion()
    {
        var triggered = _time.GetUtcNow();
        var checkpoint = Create();
        _time.Advance(TimeSpan.FromMilliseconds(300));
        checkpoint.Acknowledge(Source0, 10);
        checkpoint.Acknowledge(Source1, 20);
        _time.Advance(TimeSpan.FromMilliseconds(200));
        checkpoint.Acknowledge(Sink0, 30);

        var completed = checkpoint.Complete();

        Assert.Equal(7, completed.CheckpointId);
        Assert.Equal(triggered, completed.TriggerTime);
        Assert.Equal(triggered.AddMilliseconds(500), completed.CompletionTime);
        Assert.Equal(TimeSpan.FromMilliseconds(500), completed.Duration);
        Assert.Equal(60, completed.TotalStateSize);
        Assert.Equal(20, completed.TaskStateSizes[Source1]);
        Assert.Equal(PendingCheckpointStatus.Completed, checkpoint.Status);
        Assert.Equal(TimeSpan.FromMilliseconds(500), checkpoint.Duration);
    }

    [Fact]
    public void Complete_WhenATaskHasNotAcknowledged_Throws()
    {
        var checkpoint = Create();
        checkpoint.Acknowledge(Source0, 10);

        Assert.Throws<InvalidOperationException>(() => checkpoint.Complete());
    }

    [Fact]
    public void Complete_WhenAborted_Throws()
    {
        var checkpoint = Create([Source0]);
        checkpoint.Acknowledge(Source0, 10);
        checkpoint.Abort(CheckpointFailureReason.JobFailing);

        Assert.False(checkpoint.IsFullyAcknowledged);
        Assert.Throws<InvalidOperationException>(() => checkpoint.Complete());
    }

    [Fact]
    public void Decline_WhenInProgress_AbortsWithTheReasonAndNamesTheTask()
    {
        var checkpoint = Create();
        _time.Advance(TimeSpan.FromSeconds(2));

        Assert.True(checkpoint.Decline(Sink0, CheckpointFailureReason.StorageFailure, "write failed"));

        Assert.Equal(PendingCheckpointStatus.Aborted, checkpoint.Status);
        Assert.True(checkpoint.IsDiscarded);
        Assert.Equal(CheckpointFailureReason.StorageFailure, checkpoint.FailureReason);
        Assert.Contains("vertex 1 subtask 0", checkpoint.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("write failed", checkpoint.FailureMessage, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(2), checkpoint.Duration);
    }

    [Fact]
    public void Decline_WithoutAReason_IsDeclined()
    {
        var checkpoint = Create();

        checkpoint.Decline(Source1);

        Assert.Equal(CheckpointFailureReason.Declined, checkpoint.FailureReason);
    }

    [Fact]
    public void Abort_WhenAlreadyAborted_KeepsTheFirstReason()
    {
        var checkpoint = Create();
        checkpoint.Decline(Source0);

        Assert.False(checkpoint.Abort(CheckpointFailureReason.Timeout));
        Assert.Equal(CheckpointFailureReason.Declined, checkpoint.FailureReason);
    }

    [Fact]
    public void Abort_WhenCompleted_ReturnsFalseAndStaysCompleted()
    {
        var checkpoint = Create([Source0]);
        checkpoint.Acknowledge(Source0, 1);
        checkpoint.Complete();

        Assert.False(checkpoint.Abort(CheckpointFailureReason.Subsumed));
        Assert.Equal(PendingCheckpointStatus.Completed, checkpoint.Status);
        Assert.Null(checkpoint.FailureReason);
    }

    [Fact]
    public void AbortIfExpired_BeforeTheDeadline_DoesNothing()
    {
        var checkpoint = Create();
        _time.Advance(Timeout - TimeSpan.FromTicks(1));

        Assert.False(checkpoint.AbortIfExpired());
        Assert.Equal(PendingCheckpointStatus.InProgress, checkpoint.Status);
    }

    [Fact]
    public void AbortIfExpired_AtTheDeadline_AbortsWithTimeout()
    {
        var checkpoint = Create();
        checkpoint.Acknowledge(Source0, 1);
        _time.Advance(Timeout);

        Assert.True(checkpoint.AbortIfExpired());
        Assert.Equal(CheckpointFailureReason.Timeout, checkpoint.FailureReason);
        Assert.Contains("2 of 3", checkpoint.FailureMessage, StringComparison.Ordinal);
        Assert.Equal(Timeout, checkpoint.Duration);
        Assert.False(checkpoint.AbortIfExpired()); // only once
    }

    [Fact]
    public void AbortIfExpired_WhenCompletedBeforeTheDeadline_DoesNothing()
    {
        var checkpoint = Create([Source0]);
        checkpoint.Acknowledge(Source0, 1);
        checkpoint.Complete();
        _time.Advance(Timeout * 2);

        Assert.False(checkpoint.AbortIfExpired());
        Assert.Equal(PendingCheckpointStatus.Completed, checkpoint.Status);
    }

    [Fact]
    public void Constructor_WhenNoTaskMustAcknowledge_Throws()
    {
        Assert.Throws<ArgumentException>(() => new PendingCheckpoint(1, [], Timeout, _time));
    }

    [Fact]
    public void Acknowledge_WhenTheStateSizeIsNegative_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Create().Acknowledge(Source0, -1));
    }

    private PendingCheckpoint Create(IEnumerable<(int, int)>? tasks = null) =>
        new(7, tasks ?? [Source0, Source1, Sink0], Timeout, _time);
}
