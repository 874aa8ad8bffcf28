using OrleansFlow.Checkpoints;

namespace OrleansFlow.Tests.Unit.Checkpointing;

[Trait("Category", "Unit")]
public sealed class SavepointIdsTests
{
    private const string Id = "savepoint-177048570ae64b2f836742bf937b7a29-7";

    [Theory]
    [InlineData(Id)]
    [InlineData("  " + Id + "\n")]
    [InlineData("/srv/flow/data/checkpoints/savepoint_flow-savepoint-" + Id + ".7362bc01854c6d9508b64165d4fc89ee47c558d8f79da9f1b0bd445afa36716e.state")]
    [InlineData("orleansflow/state/flow.savepoint/" + Id + "/savepoint")]
    public void Find_TakesTheIdOutOfAnIdOrAPathOrKeyHoldingIt(string idOrPath)
    {
        Assert.Equal(Id, SavepointIds.Find(idOrPath));
    }

    [Theory]
    [InlineData("savepoint-7")]
    [InlineData("/tmp/nothing-here.state")]
    public void Find_WithoutASavepointId_IsNull(string idOrPath)
    {
        Assert.Null(SavepointIds.Find(idOrPath));
    }

    [Fact]
    public void Of_MakesIdsThatFindRecognizes()
    {
        Assert.Equal(SavepointIds.Of("177048570ae64b2f836742bf937b7a29", 7), SavepointIds.Find("x/" + Id));
    }
}
