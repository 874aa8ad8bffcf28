using OrleansFlow.Checkpointing.Segments;
using OrleansFlow.Checkpoints;

namespace OrleansFlow.Tests.Unit.Checkpointing.Segments;

/// <summary>What the coordinator deletes: segments of its own job that no retained checkpoint, savepoint or checkpoint in progress names.</summary>
[Trait("Category", "Unit")]
public sealed class SegmentRetentionTests
{
    private static SegmentRef Segment(long checkpointId, bool full = false, string job = "j", int subtask = 0) =>
        new(job, 1, subtask, 0, checkpointId, full, 1, 1, 10);

    private static SegmentRef Delta(long checkpointId, long since) => Segment(checkpointId) with { Since = since };

    private static TaskSnapshot Record(params SegmentRef[] chain) => new(null, [], [], 0, 0, [.. chain]);

    [Fact]
    public void Deletable_KeepsWhatALiveRecordNamesAndOtherJobsSegments()
    {
        var candidates = new[] { Segment(1, full: true), Segment(2), Segment(3), Segment(2, job: "other") };
        var live = new[] { Segment(1, full: true), Segment(3) };

        var deletable = SegmentRetention.Deletable("j", candidates, live);

        Assert.Equal([Segment(2).StorageKey], deletable.Select(s => s.StorageKey));
    }

    [Fact]
    public void Deletable_NamesASegmentOnceWhateverHowManyCandidatesNameIt()
    {
        var deletable = SegmentRetention.Deletable("j", [Segment(2), Segment(2)], []);

        Assert.Single(deletable);
    }

    [Fact]
    public void Rebase_WhenEverySegmentIsStillStored_KeepsTheRecordAsItIs()
    {
        var record = Record(Segment(1, full: true), Segment(4), Delta(6, since: 4));

        Assert.Same(record, SegmentRetention.Rebase(6, record, [Segment(1, full: true), Segment(4)], 4, Record(Segment(1, full: true), Segment(4))));
    }

    [Fact]
    public void Rebase_WhenTheChainNamesDeletedSegments_PutsTheDeltaOnTheLatestRetainedChain()
    {
        // The subtask still extended checkpoint 1 ([1f]) when checkpoint 2 ([2f]) had completed and 1f was deleted:
        // its delta holds every change since 1, so it extends 2's chain as well.
        var record = Record(Segment(1, full: true), Delta(3, since: 1));
        var retained = Record(Segment(2, full: true));

        var rebased = SegmentRetention.Rebase(3, record, [Segment(2, full: true)], 2, retained);

        Assert.Equal([Segment(2, full: true).StorageKey, Delta(3, since: 1).StorageKey], rebased!.KeyedState!.Select(s => s.StorageKey));
    }

    [Fact]
    public void Rebase_AcceptsAFullSegmentNewerThanTheRetainedOne()
    {
        // A materialization is first named by the checkpoint that builds on it.
        var record = Record(Segment(7, full: true), Delta(9, since: 7));

        Assert.Same(record, SegmentRetention.Rebase(9, record, [Segment(5, full: true)], 8, Record(Segment(5, full: true), Segment(8))));
    }

    [Fact]
    public void Rebase_WhenTheRetainedCheckpointIsOlderThanTheDeltasBase_GivesNothing()
    {
        var record = Record(Segment(1, full: true), Segment(5), Delta(6, since: 5));

        Assert.Null(SegmentRetention.Rebase(6, record, [Segment(1, full: true)], 4, Record(Segment(1, full: true), Segment(4))));
    }

    [Fact]
    public void Superseded_AreOpenFullsOfTheSameSubtaskUpToTheFullTheCompletedChainIsBasedOn()
    {
        var open = new[] { Segment(3, full: true), Segment(5, full: true), Segment(8, full: true), Segment(3, full: true, subtask: 1) };
        var completed = new[] { Record(Segment(5, full: true), Segment(9)) };

        var superseded = SegmentRetention.Superseded(open, completed);

        Assert.Equal([Segment(3, full: true).StorageKey, Segment(5, full: true).StorageKey], superseded.Select(s => s.StorageKey));
    }

    [Fact]
    public void KeysOf_NamesTheDeltaAndFullOfEveryKeyedSubtaskForEachCheckpointInTheRange()
    {
        var keys = SegmentRetention.KeysOf("j", [(1, 2)], attempt: 3, after: 10, upTo: 11).ToList();

        Assert.Equal(["j/1/0/3/11", "j/1/0/3/11f", "j/1/1/3/11", "j/1/1/3/11f"], keys);
    }
}
