using OrleansFlow.Checkpointing;

namespace OrleansFlow.Tests.Unit.Checkpointing;

/// <summary>
/// A fenced write's version conflict, classified once the stored record is read (issue 13, item 4): a record the
/// activation held a version of and that is gone now was lost by storage; otherwise the stored writer's token says
/// whether our own earlier write landed or another activation wrote.
/// </summary>
[Trait("Category", "Unit")]
public sealed class StorageLossCheckTests
{
    [Fact]
    public void Classify_WhenAHeldRecordIsGone_IsStorageLost()
    {
        Assert.Equal(FencedConflict.StorageLost, StorageLossCheck.Classify("etag-1", recordExists: false, storedWriter: null, writer: "me"));
    }

    [Fact]
    public void Classify_WhenTheRecordWasNeverFoundAndAnotherWroteIt_IsStale()
    {
        Assert.Equal(FencedConflict.Stale, StorageLossCheck.Classify(null, recordExists: true, storedWriter: "other", writer: "me"));
    }

    [Fact]
    public void Classify_WhenTheStoredRecordCarriesAnotherToken_IsStale()
    {
        Assert.Equal(FencedConflict.Stale, StorageLossCheck.Classify("etag-1", recordExists: true, storedWriter: "other", writer: "me"));
    }

    [Fact]
    public void Classify_WhenTheStoredRecordCarriesOurToken_IsOurOwnWriteLanded()
    {
        Assert.Equal(FencedConflict.OwnWriteLanded, StorageLossCheck.Classify("etag-1", recordExists: true, storedWriter: "me", writer: "me"));
    }
}
