using OrleansFlow.Messages;
using OrleansFlow.Runtime;

namespace OrleansFlow.Tests.Unit.Runtime;

/// <summary>
/// The receiving input queue: each channel strictly in sequence order, duplicates dropped, a gap held and reported,
/// at most the channel's credits beyond the next expected batch.
/// </summary>
[Trait("Category", "Unit")]
public sealed class ChannelInboxTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private static readonly (int, int) A = (0, 0);
    private static readonly (int, int) B = (0, 1);

    [Fact]
    public void TryTake_WhenTwoChannelsDeliverInOrder_HandsBatchesOutInArrivalOrder()
    {
        var inbox = new ChannelInbox(window: 4);
        var arrivals = new[] { Batch(A, 0), Batch(B, 0), Batch(A, 1), Batch(B, 1), Batch(B, 2) };

        foreach (var batch in arrivals)
        {
            Assert.Equal(InboxOutcome.Ready, inbox.Add(batch));
        }

        Assert.Equal(arrivals, TakeAll(inbox));
    }

    [Fact]
    public void Add_WhenABatchArrivesAgain_DropsItAsDuplicate()
    {
        var inbox = new ChannelInbox(window: 4);
        inbox.Add(Batch(A, 0));
        inbox.Add(Batch(A, 1));
        inbox.TryTake(out _); // taken (processing) or not, a batch received once is never handed out again

        Assert.Equal(InboxOutcome.Duplicate, inbox.Add(Batch(A, 0)));
        Assert.Equal(InboxOutcome.Duplicate, inbox.Add(Batch(A, 1)));
        Assert.Equal(1, inbox.ReadyCount);
    }

    [Fact]
    public void Add_WhenABatchArrivesAfterAGap_HoldsItAndReportsTheMissingBatches()
    {
        var inbox = new ChannelInbox(window: 8);
        inbox.Add(Batch(A, 0));

        Assert.Equal(InboxOutcome.AfterGap, inbox.Add(Batch(A, 3)));
        Assert.Equal(InboxOutcome.AfterGap, inbox.Add(Batch(A, 5)));

        Assert.Equal((1L, 3L), inbox.Missing(A));
        Assert.Equal([0L], TakeAll(inbox).Select(b => b.Sequence));
        Assert.Equal(2, inbox.HeldCount);
        Assert.Null(inbox.Missing(B));
    }

    [Fact]
    public void Add_WhenTheMissingBatchesArrive_ReleasesTheHeldOnesInSequenceOrder()
    {
        var inbox = new ChannelInbox(window: 8);
        inbox.Add(Batch(A, 0));
        inbox.Add(Batch(A, 3));
        inbox.Add(Batch(A, 2));
        inbox.Add(Batch(B, 0));

        Assert.Equal(InboxOutcome.Ready, inbox.Add(Batch(A, 1)));

        Assert.Equal([(A, 0L), (B, 0L), (A, 1L), (A, 2L), (A, 3L)], TakeAll(inbox).Select(b => ((b.SenderVertex, b.SenderSubtask), b.Sequence)));
        Assert.Null(inbox.Missing(A));
        Assert.Equal(0, inbox.HeldCount);
    }

    [Fact]
    public void Add_WhenABatchHeldAfterAGapArrivesAgain_DropsItAsDuplicate()
    {
        var inbox = new ChannelInbox(window: 8);
        inbox.Add(Batch(A, 2));

        Assert.Equal(InboxOutcome.Duplicate, inbox.Add(Batch(A, 2)));
        Assert.Equal(1, inbox.HeldCount);
    }

    [Fact]
    public void Add_WhenBeyondTheChannelsCredits_Throws()
    {
        // A sender with 4 credits has at most 4 batches the receiver has not processed: sequences 0..3 while 0 is next.
        var inbox = new ChannelInbox(window: 4);
        Assert.Equal(InboxOutcome.AfterGap, inbox.Add(Batch(A, 3)));

        var error = Assert.Throws<InvalidOperationException>(() => inbox.Add(Batch(A, 4)));

        Assert.Contains("beyond its 4 credits", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_WhenTheSenderReportsBatchesThatNeverArrived_CoversThemUpToWhatItSent()
    {
        var inbox = new ChannelInbox(window: 8);
        inbox.Add(Batch(A, 0));
        inbox.Add(Batch(A, 1));

        inbox.NoteSent(A, 5);

        Assert.Equal((2L, 5L), inbox.Missing(A));
    }

    [Fact]
    public void Missing_WhenEverythingTheSenderReportsHasArrived_IsNull()
    {
        var inbox = new ChannelInbox(window: 8);
        inbox.Add(Batch(A, 0));
        inbox.Add(Batch(A, 1));

        inbox.NoteSent(A, 2);
        inbox.NoteSent(B, 0);

        Assert.Null(inbox.Missing(A));
        Assert.Null(inbox.Missing(B));
    }

    [Fact]
    public void Processed_CountsTheBatchesMarkedProcessedPerChannel()
    {
        var inbox = new ChannelInbox(window: 8);
        var zero = Batch(A, 0);
        var one = Batch(A, 1);

        inbox.MarkProcessed(zero);
        inbox.MarkProcessed(one);
        inbox.MarkProcessed(zero);

        Assert.Equal(2, inbox.Processed(A));
        Assert.Equal(0, inbox.Processed(B));
    }

    [Fact]
    public async Task TakeAsync_WhenNothingIsReady_WaitsForTheNextReadyBatch()
    {
        var inbox = new ChannelInbox(window: 8);
        var take = inbox.TakeAsync();
        Assert.False(take.IsCompleted);

        inbox.Add(Batch(A, 1));
        Assert.False(take.IsCompleted); // held after a gap: nothing to hand out yet
        var zero = Batch(A, 0);
        inbox.Add(zero);

        Assert.Same(zero, await take.WaitAsync(Timeout));
    }

    [Fact]
    public async Task Close_ReturnsEveryBatchLeftAndEndsAWaitingTake()
    {
        var inbox = new ChannelInbox(window: 8);
        var waiting = inbox.TakeAsync();
        var ready = Batch(B, 0);
        var held = Batch(A, 2);
        inbox.Add(ready);
        Assert.Same(ready, await waiting.WaitAsync(Timeout));
        inbox.Add(Batch(B, 1));
        inbox.Add(held);
        var next = inbox.TakeAsync();
        Assert.Equal(1, (await next.WaitAsync(Timeout))!.Sequence);
        var ended = inbox.TakeAsync();

        var left = inbox.Close();

        Assert.Equal([held], left);
        Assert.Null(await ended.WaitAsync(Timeout));
        Assert.Null(await inbox.TakeAsync().WaitAsync(Timeout));
    }

    private static ChannelBatch Batch((int Vertex, int Subtask) sender, long sequence) =>
        new() { SenderVertex = sender.Vertex, SenderSubtask = sender.Subtask, Sequence = sequence, Records = new[] { sequence } };

    private static List<ChannelBatch> TakeAll(ChannelInbox inbox)
    {
        var taken = new List<ChannelBatch>();
        while (inbox.TryTake(out var batch))
        {
            taken.Add(batch);
        }

        return taken;
    }
}
