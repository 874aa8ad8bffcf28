using Microsoft.Extensions.Time.Testing;
using OrleansFlow.Checkpointing;
using OrleansFlow.Jobs;

namespace OrleansFlow.Tests.Unit.Checkpointing;

[Trait("Category", "Unit")]
public sealed class BarrierAlignerTests
{
    private static readonly (int, int) A = (0, 0);
    private static readonly (int, int) B = (0, 1);
    private static readonly (int, int) C = (2, 0);

    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void OnBarrier_WithOneChannel_SnapshotsAtOnce()
    {
        var aligner = Create(CheckpointingMode.ExactlyOnce, A);

        var decision = aligner.OnBarrier(A, 1);

        Assert.Equal(1, decision.SnapshotCheckpointId);
        Assert.Null(decision.BlockedChannel);
        Assert.Empty(aligner.BlockedChannels);
        Assert.Equal(TimeSpan.Zero, decision.AlignmentDuration);
    }

    [Fact]
    public void OnBarrier_WhenBarriersArriveOutOfOrderAcrossChannels_BlocksEachUntilTheLastThenSnapshotsAndUnblocks()
    {
        var aligner = Create(CheckpointingMode.ExactlyOnce, A, B, C);

        var first = aligner.OnBarrier(B, 1);
        Assert.Equal(B, first.BlockedChannel);
        Assert.Null(first.SnapshotCheckpointId);
        _time.Advance(TimeSpan.FromMilliseconds(40));

        var second = aligner.OnBarrier(A, 1);
        Assert.Equal(A, second.BlockedChannel);
        Assert.True(aligner.IsBlocked(A) && aligner.IsBlocked(B) && !aligner.IsBlocked(C));
        Assert.Equal([1L], aligner.InProgressCheckpointIds);
        _time.Advance(TimeSpan.FromMilliseconds(60));

        var last = aligner.OnBarrier(C, 1);
        Assert.Equal(1, last.SnapshotCheckpointId);
        Assert.Null(last.BlockedChannel);
        Assert.Equal([A, B], last.UnblockedChannels.Order());
        Assert.Empty(last.Aborted);
        Assert.Equal(TimeSpan.FromMilliseconds(100), last.AlignmentDuration);
        Assert.Empty(aligner.BlockedChannels);
        Assert.Empty(aligner.InProgressCheckpointIds);
    }

    [Fact]
    public void OnBarrier_ForTheNextCheckpoint_AlignsAgainFromScratch()
    {
        var aligner = Create(CheckpointingMode.ExactlyOnce, A, B);
        aligner.OnBarrier(A, 1);
        aligner.OnBarrier(B, 1);

        Assert.Equal(B, aligner.OnBarrier(B, 2).BlockedChannel);
        Assert.Equal(2, aligner.OnBarrier(A, 2).SnapshotCheckpointId);
    }

    [Fact]
    public void OnBarrier_WhenANewerCheckpointArrivesWhileAligning_AbortsTheOlderAndAlignsTheNewer()
    {
        var aligner = Create(CheckpointingMode.ExactlyOnce, A, B, C);
        aligner.OnBarrier(A, 1);
        aligner.OnBarrier(C, 1);

        var newer = aligner.OnBarrier(B, 2);

        Assert.Equal([new AbortedCheckpoint(1, CheckpointFailureReason.Subsumed)], newer.Aborted);
        Assert.Equal([A, C], newer.UnblockedChannels.Order());
        Assert.Equal(B, newer.BlockedChannel);
        Assert.Null(newer.SnapshotCheckpointId);
        Assert.Equal([B], aligner.BlockedChannels);
        Assert.Equal([2L], aligner.InProgressCheckpointIds);

        Assert.Equal(A, aligner.OnBarrier(A, 2).BlockedChannel);
        var done = aligner.OnBarrier(C, 2);
        Assert.Equal(2, done.SnapshotCheckpointId);
        Assert.Equal([A, B], done.UnblockedChannels.Order());
    }

    [Fact]
    public void OnBarrier_WhenTheCheckpointWasSubsumed_IsObsolete()
    {
        var aligner = Create(CheckpointingMode.ExactlyOnce, A, B);
        aligner.OnBarrier(A, 1);
        aligner.OnBarrier(B, 2); // subsumes 1, unblocks A

        var late = aligner.OnBarrier(A, 1);

        Assert.True(late.IsObsolete);
        Assert.Null(late.SnapshotCheckpointId);
        Assert.False(aligner.IsBlocked(A));
        Assert.Equal([2L], aligner.InProgressCheckpointIds);
    }

    [Fact]
    public void OnBarrier_WhenTheCheckpointIsOlderThanOneCompleted_IsObsolete()
    {
        var aligner = Create(CheckpointingMode.ExactlyOnce, A, B);
        aligner.OnBarrier(A, 3);
        aligner.OnBarrier(B, 3);

        Assert.True(aligner.OnBarrier(A, 2).IsObsolete);
        Assert.True(aligner.OnBarrier(A, 3).IsObsolete);
        Assert.Empty(aligner.BlockedChannels);
        Assert.Equal(3, aligner.LatestCheckpointId);
    }

    [Fact]
    public void OnCancellationMarker_WhileAligning_AbortsAndUnblocksAndLaterBarriersAreObsolete()
    {
        var aligner = Create(CheckpointingMode.ExactlyOnce, A, B, C);
        aligner.OnBarrier(A, 1);

        var cancelled = aligner.OnCancellationMarker(B, 1);

        Assert.Equal([new AbortedCheckpoint(1, CheckpointFailureReason.CancellationMarker)], cancelled.Aborted);
        Assert.Equal([A], cancelled.UnblockedChannels);
        Assert.Null(cancelled.SnapshotCheckpointId);
        Assert.Empty(aligner.BlockedChannels);
        Assert.Empty(aligner.InProgressCheckpointIds);
        Assert.True(aligner.OnBarrier(C, 1).IsObsolete);
        Assert.True(aligner.OnCancellationMarker(C, 1).IsObsolete); // every upstream forwards the marker: abort once
    }

    [Fact]
    public void OnCancellationMarker_ForACheckpointNotSeenYet_AbortsItAndItsBarriersAreObsolete()
    {
        var aligner = Create(CheckpointingMode.ExactlyOnce, A, B);

        var cancelled = aligner.OnCancellationMarker(A, 4);

        Assert.Equal([new AbortedCheckpoint(4, CheckpointFailureReason.CancellationMarker)], cancelled.Aborted);
        Assert.Empty(cancelled.UnblockedChannels);
        Assert.True(aligner.OnBarrier(B, 4).IsObsolete);
        Assert.Equal(B, aligner.OnBarrier(B, 5).BlockedChannel);
    }

    [Fact]
    public void OnCancellationMarker_ForANewerCheckpointWhileAligning_AbortsBoth()
    {
        var aligner = Create(CheckpointingMode.ExactlyOnce, A, B);
        aligner.OnBarrier(A, 1);

        var cancelled = aligner.OnCancellationMarker(B, 2);

        Assert.Equal(
            [new AbortedCheckpoint(1, CheckpointFailureReason.Subsumed), new AbortedCheckpoint(2, CheckpointFailureReason.CancellationMarker)],
            cancelled.Aborted);
        Assert.Equal([A], cancelled.UnblockedChannels);
        Assert.Empty(aligner.BlockedChannels);
    }

    [Fact]
    public void OnCancellationMarker_ForAnOlderCheckpointWhileAligning_IsObsoleteAndKeepsAligning()
    {
        var aligner = Create(CheckpointingMode.ExactlyOnce, A, B);
        aligner.OnBarrier(A, 2);

        Assert.True(aligner.OnCancellationMarker(B, 1).IsObsolete);
        Assert.True(aligner.IsBlocked(A));
        Assert.Equal(2, aligner.OnBarrier(B, 2).SnapshotCheckpointId);
    }

    [Fact]
    public void OnEndOfInput_WhenTheLastAwaitedChannelEnds_SnapshotsAndUnblocks()
    {
        var aligner = Create(CheckpointingMode.ExactlyOnce, A, B, C);
        aligner.OnBarrier(A, 1);
        aligner.OnBarrier(B, 1);

        var ended = aligner.OnEndOfInput(C);

        Assert.Equal(1, ended.SnapshotCheckpointId);
        Assert.Equal([A, B], ended.UnblockedChannels.Order());
        Assert.Empty(aligner.BlockedChannels);
        Assert.Equal([A, B], aligner.OpenChannels.Order());
    }

    [Fact]
    public void OnEndOfInput_WhileOtherChannelsAreAwaited_KeepsAligning()
    {
        var aligner = Create(CheckpointingMode.ExactlyOnce, A, B, C);
        aligner.OnBarrier(A, 1);

        var ended = aligner.OnEndOfInput(C);

        Assert.Null(ended.SnapshotCheckpointId);
        Assert.True(aligner.IsBlocked(A));
        Assert.Equal(1, aligner.OnBarrier(B, 1).SnapshotCheckpointId);
    }

    [Fact]
    public void OnBarrier_AfterAChannelEnded_DoesNotWaitForIt()
    {
        var aligner = Create(CheckpointingMode.ExactlyOnce, A, B);
        Assert.Equal(BarrierDecision.None, aligner.OnEndOfInput(B));

        Assert.Equal(1, aligner.OnBarrier(A, 1).SnapshotCheckpointId);
    }

    [Fact]
    public void OnEndOfInput_WhenTheChannelAlreadyEnded_ChangesNothing()
    {
        var aligner = Create(CheckpointingMode.ExactlyOnce, A, B);
        aligner.OnEndOfInput(B);

        Assert.Equal(BarrierDecision.None, aligner.OnEndOfInput(B));
        Assert.Equal([A], aligner.OpenChannels);
    }

    [Fact]
    public void OnBarrier_WhenTheChannelIsBlocked_Throws()
    {
        var aligner = Create(CheckpointingMode.ExactlyOnce, A, B);
        aligner.OnBarrier(A, 1);

        Assert.Throws<InvalidOperationException>(() => aligner.OnBarrier(A, 2));
    }

    [Fact]
    public void OnBarrier_WhenTheChannelEndedOrIsUnknown_Throws()
    {
        var aligner = Create(CheckpointingMode.ExactlyOnce, A, B);
        aligner.OnEndOfInput(B);

        Assert.Throws<InvalidOperationException>(() => aligner.OnBarrier(B, 1));
        Assert.Throws<InvalidOperationException>(() => aligner.OnBarrier(C, 1));
        Assert.Throws<InvalidOperationException>(() => aligner.OnCancellationMarker(C, 1));
        Assert.Throws<InvalidOperationException>(() => aligner.OnEndOfInput(C));
    }

    [Fact]
    public void Constructor_WithoutChannels_Throws()
    {
        Assert.Throws<ArgumentException>(() => new BarrierAligner([], CheckpointingMode.ExactlyOnce, _time));
    }

    [Fact]
    public void OnBarrier_InAtLeastOnceMode_NeverBlocksAndSnapshotsOnTheLastBarrier()
    {
        var aligner = Create(CheckpointingMode.AtLeastOnce, A, B, C);

        var first = aligner.OnBarrier(C, 1);
        var second = aligner.OnBarrier(A, 1);
        _time.Advance(TimeSpan.FromMilliseconds(5));
        var last = aligner.OnBarrier(B, 1);

        Assert.Null(first.BlockedChannel);
        Assert.Null(second.BlockedChannel);
        Assert.Null(second.SnapshotCheckpointId);
        Assert.Equal(1, last.SnapshotCheckpointId);
        Assert.Empty(last.UnblockedChannels);
        Assert.Equal(TimeSpan.FromMilliseconds(5), last.AlignmentDuration);
        Assert.Empty(aligner.BlockedChannels);
    }

    [Fact]
    public void OnBarrier_InAtLeastOnceMode_TracksSeveralCheckpointsWithoutSubsumingThem()
    {
        // A fast channel may deliver barrier 2 before a slow one delivers barrier 1 (nothing holds it back).
        var aligner = Create(CheckpointingMode.AtLeastOnce, A, B);

        Assert.Equal(BarrierDecision.None, aligner.OnBarrier(A, 1));
        Assert.Equal(BarrierDecision.None, aligner.OnBarrier(A, 2));
        Assert.Equal([1L, 2L], aligner.InProgressCheckpointIds);

        var one = aligner.OnBarrier(B, 1);
        Assert.Equal(1, one.SnapshotCheckpointId);
        Assert.Empty(one.Aborted);

        Assert.Equal(2, aligner.OnBarrier(B, 2).SnapshotCheckpointId);
    }

    [Fact]
    public void OnBarrier_InAtLeastOnceMode_WhenANewerCheckpointCompletesFirst_SubsumesTheOlder()
    {
        var aligner = Create(CheckpointingMode.AtLeastOnce, A, B);
        aligner.OnBarrier(A, 1);
        aligner.OnBarrier(A, 2);

        var two = aligner.OnBarrier(B, 2); // B never carried barrier 1 (its upstream skipped it)

        Assert.Equal(2, two.SnapshotCheckpointId);
        Assert.Equal([new AbortedCheckpoint(1, CheckpointFailureReason.Subsumed)], two.Aborted);
        Assert.True(aligner.OnBarrier(B, 1).IsObsolete);
    }

    [Fact]
    public void OnCancellationMarker_InAtLeastOnceMode_AbortsItAndOlderOnesButNotNewerOnes()
    {
        var aligner = Create(CheckpointingMode.AtLeastOnce, A, B);
        aligner.OnBarrier(A, 1);
        aligner.OnBarrier(A, 2);
        aligner.OnBarrier(A, 3);

        var cancelled = aligner.OnCancellationMarker(B, 2);

        Assert.Equal(
            [new AbortedCheckpoint(1, CheckpointFailureReason.Subsumed), new AbortedCheckpoint(2, CheckpointFailureReason.CancellationMarker)],
            cancelled.Aborted);
        Assert.Equal([3L], aligner.InProgressCheckpointIds);
        Assert.Equal(3, aligner.OnBarrier(B, 3).SnapshotCheckpointId);
    }

    [Fact]
    public void OnEndOfInput_InAtLeastOnceMode_SnapshotsTheNewestCompletedCheckpoint()
    {
        var aligner = Create(CheckpointingMode.AtLeastOnce, A, B);
        aligner.OnBarrier(A, 1);
        aligner.OnBarrier(A, 2);

        var ended = aligner.OnEndOfInput(B);

        Assert.Equal(2, ended.SnapshotCheckpointId);
        Assert.Equal([new AbortedCheckpoint(1, CheckpointFailureReason.Subsumed)], ended.Aborted);
        Assert.Empty(aligner.InProgressCheckpointIds);
    }

    [Fact]
    public void OnBarrier_InAtLeastOnceMode_WhenTooManyAreTracked_DropsTheOldest()
    {
        var aligner = Create(CheckpointingMode.AtLeastOnce, A, B);
        for (var id = 1; id <= BarrierAligner.MaxTrackedCheckpoints; id++)
        {
            Assert.Empty(aligner.OnBarrier(A, id).Aborted);
        }

        var overflow = aligner.OnBarrier(A, BarrierAligner.MaxTrackedCheckpoints + 1);

        Assert.Equal([new AbortedCheckpoint(1, CheckpointFailureReason.Subsumed)], overflow.Aborted);
        Assert.Equal(BarrierAligner.MaxTrackedCheckpoints, aligner.InProgressCheckpointIds.Count);
        Assert.True(aligner.OnBarrier(B, 1).IsObsolete);
    }

    [Fact]
    public void OnBarrier_InAtLeastOnceMode_WhenTheSameChannelRepeatsABarrier_Throws()
    {
        var aligner = Create(CheckpointingMode.AtLeastOnce, A, B);
        aligner.OnBarrier(A, 1);

        Assert.Throws<InvalidOperationException>(() => aligner.OnBarrier(A, 1));
    }

    [Theory]
    [InlineData(true, 1)]
    [InlineData(true, 2)]
    [InlineData(true, 3)]
    [InlineData(true, 4)]
    [InlineData(true, 5)]
    [InlineData(false, 1)]
    [InlineData(false, 2)]
    [InlineData(false, 3)]
    public void OnBarrier_UnderRandomInterleavings_ExactlyOnceSnapshotsSeeExactlyTheRecordsBeforeTheBarrierAndAtLeastOnceAtLeastThose(bool exactlyOnce, int seed)
    {
        // Three channels each carry records with barriers 1..5 between them and end of input at the end. A runtime
        // reads one element at a time from a random channel that is not blocked, as the decisions say. Every barrier
        // reaches every channel in order, so no checkpoint is aborted in either mode.
        var random = new Random(seed);
        (int, int)[] channels = [A, B, C];
        var queues = channels.ToDictionary(c => c, _ => new Queue<long?>());
        var recordsBefore = new Dictionary<(long Checkpoint, (int, int) Channel), int>();
        foreach (var channel in channels)
        {
            var records = 0;
            for (long id = 1; id <= 5; id++)
            {
                var count = random.Next(0, 4);
                for (var i = 0; i < count; i++)
                {
                    queues[channel].Enqueue(null);
                }

                records += count;
                recordsBefore[(id, channel)] = records;
                queues[channel].Enqueue(id);
            }

            for (var i = random.Next(0, 3); i > 0; i--)
            {
                queues[channel].Enqueue(null);
            }
        }

        var aligner = Create(exactlyOnce ? CheckpointingMode.ExactlyOnce : CheckpointingMode.AtLeastOnce, channels);
        var processed = channels.ToDictionary(c => c, _ => 0);
        var snapshots = new List<long>();
        var ended = new HashSet<(int, int)>();
        while (ended.Count < channels.Length)
        {
            var readable = channels.Where(c => !ended.Contains(c) && !aligner.IsBlocked(c)).ToList();
            Assert.NotEmpty(readable); // a deadlock would show here
            var channel = readable[random.Next(readable.Count)];
            if (!queues[channel].TryDequeue(out var element))
            {
                ended.Add(channel);
                Apply(aligner.OnEndOfInput(channel));
            }
            else if (element is null)
            {
                processed[channel]++;
            }
            else
            {
                Apply(aligner.OnBarrier(channel, element.Value));
            }
        }

        Assert.Equal([1L, 2L, 3L, 4L, 5L], snapshots);

        void Apply(BarrierDecision decision)
        {
            Assert.Empty(decision.Aborted);
            if (decision.SnapshotCheckpointId is { } id)
            {
                snapshots.Add(id);
                foreach (var c in channels)
                {
                    Assert.True(
                        exactlyOnce ? recordsBefore[(id, c)] == processed[c] : recordsBefore[(id, c)] <= processed[c],
                        $"Seed {seed}, checkpoint {id}, channel {c}: snapshot saw {processed[c]} records, {recordsBefore[(id, c)]} precede the barrier.");
                }
            }
        }
    }

    private BarrierAligner Create(CheckpointingMode mode, params (int, int)[] channels) => new(channels, mode, _time);
}
