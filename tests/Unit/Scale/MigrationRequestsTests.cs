using OrleansFlow.Scale;

namespace OrleansFlow.Tests.Unit.Scale;

/// <summary>
/// A draining silo asks each of its grains to migrate once, asks grains activated on it since the drain began as soon
/// as it sees them, and asks again those still there a while after they were asked.
/// </summary>
[Trait("Category", "Unit")]
public sealed class MigrationRequestsTests
{
    private static readonly TimeSpan AskAgainAfter = TimeSpan.FromSeconds(2);
    private static readonly GrainId KeyA = GrainId.Create("flow.keyed", "job-1/2/a");
    private static readonly GrainId KeyB = GrainId.Create("flow.keyed", "job-1/2/b");
    private static readonly GrainId Coordinator = GrainId.Create("flow.checkpoints", "job-1");

    [Fact]
    public void Due_WhenAGrainIsActivatedAfterTheFirstRound_AsksForItAtOnceAndNotAgainForTheOthers()
    {
        var requests = new MigrationRequests(AskAgainAfter);
        Assert.Equal([KeyA, KeyB], requests.Due([KeyA, KeyB], TimeSpan.Zero));

        var due = requests.Due([KeyA, KeyB, Coordinator], TimeSpan.FromMilliseconds(100));

        Assert.Equal([Coordinator], due);
        Assert.Equal(3, requests.Asked);
    }

    [Fact]
    public void Due_WhenAGrainIsStillThereAfterTheWait_AsksForItAgainWithoutCountingItTwice()
    {
        var requests = new MigrationRequests(AskAgainAfter);
        requests.Due([KeyA, KeyB], TimeSpan.Zero);

        Assert.Empty(requests.Due([KeyA], AskAgainAfter - TimeSpan.FromMilliseconds(1)));
        Assert.Equal([KeyA], requests.Due([KeyA], AskAgainAfter));
        Assert.Equal(2, requests.Asked);
    }

    [Fact]
    public void Due_WhenAGrainLeftAndCameBack_AsksForItAtOnce()
    {
        var requests = new MigrationRequests(AskAgainAfter);
        requests.Due([KeyA], TimeSpan.Zero);
        requests.Due([], TimeSpan.FromMilliseconds(100));

        Assert.Equal([KeyA], requests.Due([KeyA], TimeSpan.FromMilliseconds(200)));
    }

    [Fact]
    public void Describe_NamesHowManyOfEachTypeStayedAndAFewOfThem()
    {
        var text = MigrationRequests.Describe([KeyB, Coordinator, KeyA]);

        Assert.Equal("1 flow.checkpoints, 2 flow.keyed (e.g. flow.checkpoints/job-1, flow.keyed/job-1/2/a, flow.keyed/job-1/2/b)", text);
    }
}
