using OrleansFlow.Checkpointing;

namespace OrleansFlow.Tests.Unit.Checkpointing;

[Trait("Category", "Unit")]
public sealed class CheckpointFailureManagerTests
{
    [Fact]
    public void OnFailure_WhenNoFailureIsTolerated_FailsTheJobOnTheFirst()
    {
        var manager = new CheckpointFailureManager(tolerableFailures: 0);

        Assert.True(manager.OnFailure(1, CheckpointFailureReason.Timeout));
    }

    [Fact]
    public void OnFailure_WhenMoreConsecutiveFailuresThanTolerated_FailsTheJob()
    {
        var manager = new CheckpointFailureManager(tolerableFailures: 2);

        Assert.False(manager.OnFailure(1, CheckpointFailureReason.Timeout));
        Assert.False(manager.OnFailure(2, CheckpointFailureReason.Declined));
        Assert.True(manager.OnFailure(3, CheckpointFailureReason.StorageFailure));
        Assert.Equal(3, manager.ContinuousFailures);
    }

    [Fact]
    public void OnSuccess_ResetsTheConsecutiveFailures()
    {
        var manager = new CheckpointFailureManager(tolerableFailures: 1);
        manager.OnFailure(1, CheckpointFailureReason.Timeout);

        manager.OnSuccess(2);

        Assert.Equal(0, manager.ContinuousFailures);
        Assert.False(manager.OnFailure(3, CheckpointFailureReason.Timeout));
        Assert.True(manager.OnFailure(4, CheckpointFailureReason.Timeout));
    }

    [Fact]
    public void OnFailure_WhenTheSameCheckpointFailsTwice_CountsItOnce()
    {
        var manager = new CheckpointFailureManager(tolerableFailures: 1);

        Assert.False(manager.OnFailure(1, CheckpointFailureReason.Declined));
        Assert.False(manager.OnFailure(1, CheckpointFailureReason.Timeout));
        Assert.Equal(1, manager.ContinuousFailures);
    }

    [Fact]
    public void OnFailure_WhenTheCheckpointIsOlderThanTheLastCompleted_DoesNotCount()
    {
        var manager = new CheckpointFailureManager(tolerableFailures: 0);
        manager.OnSuccess(5);

        Assert.False(manager.OnFailure(4, CheckpointFailureReason.Timeout));
        Assert.False(manager.OnFailure(5, CheckpointFailureReason.Timeout));
        Assert.Equal(0, manager.ContinuousFailures);
    }

    [Fact]
    public void OnSuccess_WhenOlderThanTheLastCompleted_DoesNotReset()
    {
        var manager = new CheckpointFailureManager(tolerableFailures: 5);
        manager.OnSuccess(5);
        manager.OnFailure(6, CheckpointFailureReason.Timeout);

        manager.OnSuccess(4);

        Assert.Equal(1, manager.ContinuousFailures);
    }

    [Theory]
    [InlineData(nameof(CheckpointFailureReason.Subsumed))]
    [InlineData(nameof(CheckpointFailureReason.CancellationMarker))]
    [InlineData(nameof(CheckpointFailureReason.JobFailing))]
    [InlineData(nameof(CheckpointFailureReason.CoordinatorShutdown))]
    [InlineData(nameof(CheckpointFailureReason.TooManyConcurrent))]
    [InlineData(nameof(CheckpointFailureReason.MinimumPause))]
    [InlineData(nameof(CheckpointFailureReason.TaskNotReady))]
    public void OnFailure_WhenTheReasonIsNotACheckpointFailure_DoesNotCount(string reasonName)
    {
        var reason = Enum.Parse<CheckpointFailureReason>(reasonName);
        var manager = new CheckpointFailureManager(tolerableFailures: 0);

        Assert.False(CheckpointFailureManager.CountsTowardsTolerance(reason));
        Assert.False(manager.OnFailure(1, reason));
        Assert.Equal(0, manager.ContinuousFailures);
    }

    [Theory]
    [InlineData(nameof(CheckpointFailureReason.Timeout))]
    [InlineData(nameof(CheckpointFailureReason.Declined))]
    [InlineData(nameof(CheckpointFailureReason.StorageFailure))]
    public void CountsTowardsTolerance_WhenTheCheckpointItselfFailed_IsTrue(string reasonName)
    {
        var reason = Enum.Parse<CheckpointFailureReason>(reasonName);
        Assert.True(CheckpointFailureManager.CountsTowardsTolerance(reason));
    }

    [Fact]
    public void Constructor_WhenNegative_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new CheckpointFailureManager(-1));
    }
}
