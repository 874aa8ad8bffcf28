using OrleansFlow.Checkpointing.Segments;
using Microsoft.Extensions.Time.Testing;
using OrleansFlow.Checkpoints;

namespace OrleansFlow.Tests.Unit.Checkpointing.Segments;

/// <summary>
/// The rules of a keyed subtask's segment chain, as Flink's changelog backend keeps state: a checkpoint names the chain
/// of the latest completed checkpoint plus its own delta; a full segment written in the background replaces the chain
/// once it is durable.
/// </summary>
[Trait("Category", "Unit")]
public sealed class SegmentChainTests
{
    private readonly FakeTimeProvider _time = new();

    private SegmentChain Chain(IReadOnlyList<SegmentRef> restored, long restoredCheckpointId) => new(restored, restoredCheckpointId, TimeSpan.FromMinutes(10), _time);

    private static SegmentRef Delta(long checkpointId, long bytes = 100) => new("j", 1, 0, 0, checkpointId, Full: false, 1, 1, bytes);

    private static SegmentRef Full(long checkpointId, long bytes = 100) => new("j", 1, 0, 0, checkpointId, Full: true, 1, 1, bytes);

    [Fact]
    public void NextBase_OfAJobThatRestoredNothing_IsEmptySoTheFirstDeltaIsFull()
    {
        var chain = Chain([], 0);

        var (@base, since) = chain.NextBase();

        Assert.Empty(@base);
        Assert.Equal(0, since);
        Assert.True(SegmentChain.IsFull(@base));
    }

    [Fact]
    public void OnCompleted_OfAnAcknowledgedCheckpoint_MakesItsChainTheBaseOfTheNext()
    {
        var chain = Chain([Full(3)], 3);
        chain.Acknowledge(4, chain.NextBase().Base, Delta(4));

        chain.OnCompleted(4);

        Assert.Equal([3L, 4L], chain.NextBase().Base.Select(s => s.CheckpointId));
        Assert.Equal(4, chain.NextBase().Since);
    }

    [Fact]
    public void NextBase_WhileACheckpointIsNotCompleted_StaysOnTheLastCompletedChain()
    {
        var chain = Chain([Full(3)], 3);
        chain.Acknowledge(4, chain.NextBase().Base, Delta(4));

        // Checkpoint 4 may still fail: checkpoint 5's delta must hold every change since 3.
        Assert.Equal([3L], chain.NextBase().Base.Select(s => s.CheckpointId));
        Assert.Equal(3, chain.NextBase().Since);
    }

    [Fact]
    public void OnCompleted_OfALaterCheckpoint_SkipsAnEarlierOneThatNeverCompleted()
    {
        var chain = Chain([Full(3)], 3);
        chain.Acknowledge(4, chain.NextBase().Base, Delta(4));
        chain.Acknowledge(5, chain.NextBase().Base, Delta(5));

        chain.OnCompleted(5);
        chain.OnCompleted(4); // a late notice of an older checkpoint changes nothing

        Assert.Equal([3L, 5L], chain.NextBase().Base.Select(s => s.CheckpointId));
    }

    [Fact]
    public void OnMaterialized_MakesLaterCheckpointsBuildOnTheFullSegmentUntilOneCompletesOnIt()
    {
        var chain = Chain([Full(3)], 3);
        chain.OnMaterializing(4);
        Assert.Equal(3, chain.TrackChangesAfter);

        Assert.True(chain.OnMaterialized(Full(4)));
        var (@base, since) = chain.NextBase();
        Assert.Equal([4L], @base.Select(s => s.CheckpointId));
        Assert.Equal(4, since);

        chain.Acknowledge(6, @base, Delta(6));
        chain.OnCompleted(6);
        Assert.Null(chain.Materialized);
        Assert.Equal([4L, 6L], chain.NextBase().Base.Select(s => s.CheckpointId));
    }

    [Fact]
    public void ShouldMaterialize_WhenTheDeltasHoldMoreThanTwiceTheState_IsTrueOnceWhileOneIsWritten()
    {
        var chain = Chain([Full(1, 1_000_000), Delta(2, 5_000_000), Delta(3, 5_000_000)], 3);

        // Deltas of 10 MB on a state of 4 MB: a restore would read more than three times the state.
        Assert.True(chain.ShouldMaterialize(stateBytes: 4_000_000));
        Assert.False(chain.ShouldMaterialize(stateBytes: 6_000_000));

        chain.OnMaterializing(4);
        Assert.False(chain.ShouldMaterialize(stateBytes: 4_000_000));
        chain.OnMaterializationFailed();
        Assert.True(chain.ShouldMaterialize(stateBytes: 4_000_000));
    }

    [Fact]
    public void ShouldMaterialize_WhenTheDeltasAreSmall_WaitsForTheMinimumOrTheLongestChain()
    {
        var small = Chain([Full(1, 10), Delta(2, 10)], 2);
        Assert.False(small.ShouldMaterialize(stateBytes: 1));

        var longChain = Chain([Full(1, 10), .. Enumerable.Range(2, SegmentChain.MaxDeltas).Select(i => Delta(i, 10))], SegmentChain.MaxDeltas + 1);
        Assert.True(longChain.ShouldMaterialize(stateBytes: 1_000_000_000));
    }

    [Fact]
    public void ShouldMaterialize_WhenTheLastFullSegmentIsAMaterializationIntervalOld_IsTrueWhateverTheSizes()
    {
        var chain = Chain([Full(1, 10), Delta(2, 10)], 2);
        _time.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromTicks(1));
        Assert.False(chain.ShouldMaterialize(stateBytes: 1_000_000_000));

        _time.Advance(TimeSpan.FromTicks(1));
        Assert.True(chain.ShouldMaterialize(stateBytes: 1_000_000_000));

        chain.OnMaterializing(3); // the clock starts again with this materialization
        chain.OnMaterializationFailed();
        Assert.False(chain.ShouldMaterialize(stateBytes: 1_000_000_000));
    }

    [Fact]
    public void ShouldMaterialize_WhenTheChainHasNoDelta_IsFalse()
    {
        var chain = Chain([Full(1, 10)], 1);
        _time.Advance(TimeSpan.FromHours(1));

        Assert.False(chain.ShouldMaterialize(stateBytes: 1));
    }

    [Fact]
    public void OnCompleted_WithTheChainTheCoordinatorKept_ConfirmsThatChain()
    {
        var chain = Chain([Full(1)], 1);
        chain.Acknowledge(3, chain.NextBase().Base, Delta(3));

        chain.OnCompleted(3, [Full(2), Delta(3)]); // the coordinator rebased the delta on checkpoint 2's chain

        Assert.Equal([2L, 3L], chain.NextBase().Base.Select(s => s.CheckpointId));
    }

    [Fact]
    public void MaterializedIsNamed_OnceACheckpointBuildsOnTheFullSegment()
    {
        var chain = Chain([Full(3)], 3);
        chain.OnMaterializing(4);
        chain.OnMaterialized(Full(4));
        Assert.False(chain.MaterializedIsNamed);

        chain.Acknowledge(5, chain.NextBase().Base, Delta(5));

        Assert.True(chain.MaterializedIsNamed);
    }

    [Fact]
    public void OnMaterialized_WhenTheChainIsAlreadyBasedOnANewerFull_SaysItIsOfNoUse()
    {
        var chain = Chain([Full(5)], 5);

        Assert.False(chain.OnMaterialized(Full(4)));
        Assert.Null(chain.Materialized);
    }
}
