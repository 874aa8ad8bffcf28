using OrleansFlow.Keyed;

namespace OrleansFlow.Tests.Unit.Checkpointing;

[Trait("Category", "Unit")]
public sealed class KeySnapshotHistoryTests
{
    [Fact]
    public void RestoreTo_ANewAttempt_DropsTheOlderAttemptsVersionsAfterItsRestorePoint()
    {
        var history = History((10, 0), (20, 0), (30, 0));

        history.RestoreTo(new KeyedAttempt(1, [0, 20]));

        Assert.Equal([10L, 20L], history.Versions.Select(v => v.CheckpointId));
        Assert.Equal(20, history.At(20)!.CheckpointId);
    }

    [Fact]
    public void RestoreTo_TheSameAttemptAgain_KeepsTheVersionsThatAttemptWroteAfterItsRestorePoint()
    {
        // Attempt 1 restored checkpoint 16 and then wrote versions for 20 and 34 (both completed). The key's silo dies,
        // the key is activated again, still in attempt 1: the versions must survive, for attempt 2 restores 34.
        var history = History((16, 0), (20, 1), (34, 1));

        history.RestoreTo(new KeyedAttempt(1, [0, 16]));
        Assert.Equal([16L, 20L, 34L], history.Versions.Select(v => v.CheckpointId));
        Assert.Equal(16, history.At(16)!.CheckpointId);

        history.Add(new KeySnapshotVersion(35, 1, [9]), lastCompletedId: 34, pinned: []);
        history.RestoreTo(new KeyedAttempt(2, [0, 16, 34]));

        Assert.Equal(34, history.At(34)!.CheckpointId);
        Assert.Equal(1, history.At(34)!.Attempt);
        Assert.DoesNotContain(history.Versions, v => v.CheckpointId == 35);
    }

    [Fact]
    public void RestoreTo_KeepsAVersionOfAnAttemptThatSkippedTheKey_WhenItsCheckpointCompletedBeforeTheNextRestorePoint()
    {
        // Written in attempt 0 for checkpoint 5; attempt 1 restored 8 and never called the key; attempt 2 restores 9.
        var history = History((5, 0), (12, 0));

        history.RestoreTo(new KeyedAttempt(2, [0, 8, 9]));

        Assert.Equal([5L], history.Versions.Select(v => v.CheckpointId));
    }

    [Fact]
    public void NewestAttempt_IsTheHighestAttemptThatWroteAVersion()
    {
        Assert.Equal(-1, new KeySnapshotHistory().NewestAttempt);
        Assert.Equal(2, History((3, 0), (7, 2), (9, 1)).NewestAttempt);
    }

    [Fact]
    public void Add_KeepsTheNewestVersionAtOrBeforeTheLatestCompletedCheckpointAndEverythingAfterIt()
    {
        var history = History((1, 0), (2, 0), (4, 0));

        history.Add(new KeySnapshotVersion(6, 0, [1]), lastCompletedId: 3, pinned: []);

        Assert.Equal([2L, 4L, 6L], history.Versions.Select(v => v.CheckpointId));
    }

    private static KeySnapshotHistory History(params (long Checkpoint, int Attempt)[] versions) =>
        new() { Versions = [.. versions.Select(v => new KeySnapshotVersion(v.Checkpoint, v.Attempt, [(byte)v.Checkpoint]))] };
}
