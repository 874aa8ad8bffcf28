using OrleansFlow.Checkpoints;
using OrleansFlow.Jobs;

namespace OrleansFlow.Tests.Unit.Jobs;

/// <summary>
/// <see cref="PoisonousJobGuard"/> (issue 13, 1b): an attempt coincides with a silo's death when it failed because a
/// silo died, or a silo died while it deployed or ran (or before its restart) and it failed otherwise, before it
/// completed a checkpoint.
/// N such attempts with no checkpoint completed in between make the job poisonous; an attempt that completed a
/// checkpoint resets the count, one that failed otherwise neither counts nor resets it; each attempt counts once.
/// </summary>
[Trait("Category", "Unit")]
public sealed class PoisonousJobGuardTests
{
    private static readonly JobFailure SiloDeath = new("(cluster)", 0, "silo S10.0.0.2:11111:1 died", PoisonousJobGuard.SiloFailureType);
    private static readonly JobFailure TaskFailure = new("map", 1, "boom", "InvalidOperationException");

    private readonly JobManagerState _state = new() { RestorePoints = [CheckpointIds.None] };

    private PoisonousJobGuard Guard(int limit = 3) => new(() => _state, limit);

    /// <summary>Attempt <paramref name="attempt"/> fails with <paramref name="failure"/>, then the restart is judged; returns the verdict.</summary>
    private string? FailAndRestart(PoisonousJobGuard guard, int attempt, JobFailure failure, long latestCheckpoint = CheckpointIds.None)
    {
        Assert.Equal(attempt, _state.Attempt);
        _state.LastFailure = failure;
        var verdict = guard.BeforeRestart(latestCheckpoint);
        if (verdict is null)
        {
            _state.Attempt++;
            _state.RestorePoints.Add(latestCheckpoint);
        }

        return verdict;
    }

    [Fact]
    public void BeforeRestart_AfterThreeAttemptsInARowFailedBySiloDeaths_NamesThePoisonousJob()
    {
        var guard = Guard();

        Assert.Null(FailAndRestart(guard, 0, SiloDeath));
        Assert.Null(FailAndRestart(guard, 1, SiloDeath));
        var verdict = FailAndRestart(guard, 2, SiloDeath);

        Assert.Equal(
            "poisonous job: 3 attempts in a row coincided with a silo's death before completing a checkpoint; last: silo S10.0.0.2:11111:1 died; " +
            "not redeployed, so that the silos stay up (JobManagerOptions.PoisonousJobSiloDeaths is 3)", verdict);
    }

    [Fact]
    public void BeforeRestart_WhenAttemptsBetweenFailedOtherwise_NeitherCountsNorResetsThem()
    {
        var guard = Guard();

        Assert.Null(FailAndRestart(guard, 0, TaskFailure)); // e.g. a task saw the silo's death as a failed call first
        Assert.Null(FailAndRestart(guard, 1, SiloDeath));   // and the membership's notice failed the next attempt
        Assert.Null(FailAndRestart(guard, 2, TaskFailure));
        Assert.Null(FailAndRestart(guard, 3, SiloDeath));
        Assert.Equal(2, _state.SiloDeathStreak);

        Assert.NotNull(FailAndRestart(guard, 4, SiloDeath));
    }

    [Fact]
    public void BeforeRestart_WhenTheFailedAttemptCompletedACheckpoint_DoesNotCountIt()
    {
        var guard = Guard();

        Assert.Null(FailAndRestart(guard, 0, SiloDeath));
        Assert.Null(FailAndRestart(guard, 1, SiloDeath));
        Assert.Null(FailAndRestart(guard, 2, SiloDeath, latestCheckpoint: 7)); // attempt 2 restored none and completed 7
        Assert.Null(FailAndRestart(guard, 3, SiloDeath, latestCheckpoint: 7)); // attempt 3 restored 7 and completed none
        Assert.Null(FailAndRestart(guard, 4, SiloDeath, latestCheckpoint: 7));

        Assert.NotNull(FailAndRestart(guard, 5, SiloDeath, latestCheckpoint: 7));
    }

    [Fact]
    public void BeforeRestart_WhenASiloDiedDuringTheAttemptOrBeforeItsRestart_CountsAFailureOfAnotherKindForThatAttemptOnly()
    {
        var guard = Guard(limit: 2);
        var deployFailed = new JobFailure("(deployment)", 0, "the tasks of attempt 0 were not all deployed within 15 s", "TimeoutException");

        guard.SiloDied(0); // declared dead while attempt 0 deployed, or after it failed and before its restart
        Assert.Null(FailAndRestart(guard, 0, deployFailed));
        Assert.Equal(1, _state.SiloDeathStreak);
        guard.SiloDied(0); // a death noted for an earlier attempt does not count for the next one
        Assert.Null(FailAndRestart(guard, 1, deployFailed));

        Assert.Equal(1, _state.SiloDeathStreak);
    }

    [Fact]
    public void BeforeRestart_CalledAgainForTheSameAttempt_DoesNotCountItAgain()
    {
        var guard = Guard(limit: 2);
        guard.SiloDied(0);
        _state.LastFailure = SiloDeath;

        Assert.Null(guard.BeforeRestart(CheckpointIds.None));
        _state.LastFailure = TaskFailure; // e.g. the latest checkpoint could not be read: the restart is tried again
        Assert.Null(guard.BeforeRestart(CheckpointIds.None));

        Assert.Equal(1, _state.SiloDeathStreak);
        Assert.Equal(0, _state.LastJudgedAttempt);
    }

    [Fact]
    public void BeforeRestart_WithTheGuardOff_NeverFindsAJobPoisonous()
    {
        var guard = Guard(limit: 0);

        for (var attempt = 0; attempt < 10; attempt++)
        {
            Assert.Null(FailAndRestart(guard, attempt, SiloDeath));
        }
    }

    [Fact]
    public void Create_WithANegativeLimit_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Guard(limit: -1));
    }
}
