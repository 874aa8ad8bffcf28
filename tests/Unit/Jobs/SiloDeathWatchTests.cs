using System.Net;
using OrleansFlow.Jobs;

namespace OrleansFlow.Tests.Unit.Jobs;

/// <summary>
/// Exactly one surviving silo wakes the job managers when a silo is declared dead: the active silo with the lowest
/// address, once per death, and never for deaths that happened before this silo joined.
/// </summary>
[Trait("Category", "Unit")]
public sealed class SiloDeathWatchTests
{
    private static readonly SiloAddress A = Silo(11111);
    private static readonly SiloAddress B = Silo(11112);
    private static readonly SiloAddress C = Silo(11113);

    [Fact]
    public void Observe_WhenASiloIsDeclaredDead_WakesOnTheLowestActiveSiloOnly()
    {
        var onA = new SiloDeathWatch(A);
        var onB = new SiloDeathWatch(B);
        (SiloAddress, SiloStatus)[] allActive = [(A, SiloStatus.Active), (B, SiloStatus.Active), (C, SiloStatus.Active)];
        (SiloAddress, SiloStatus)[] cDead = [(A, SiloStatus.Active), (B, SiloStatus.Active), (C, SiloStatus.Dead)];

        Assert.False(onA.Observe(allActive));
        Assert.False(onB.Observe(allActive));

        Assert.True(onA.Observe(cDead));
        Assert.False(onB.Observe(cDead));
    }

    [Fact]
    public void Observe_OfTheSameDeathAgain_DoesNotWakeTwice()
    {
        var onA = new SiloDeathWatch(A);
        onA.Observe([(A, SiloStatus.Active), (B, SiloStatus.Active)]);

        Assert.True(onA.Observe([(A, SiloStatus.Active), (B, SiloStatus.Dead)]));
        Assert.False(onA.Observe([(A, SiloStatus.Active), (B, SiloStatus.Dead), (C, SiloStatus.Joining)]));
    }

    [Fact]
    public void Observe_WhenTheWakerDiesToo_TheNextLowestActiveSiloWakes()
    {
        var onB = new SiloDeathWatch(B);
        onB.Observe([(A, SiloStatus.Active), (B, SiloStatus.Active), (C, SiloStatus.Active)]);

        Assert.False(onB.Observe([(A, SiloStatus.Active), (B, SiloStatus.Active), (C, SiloStatus.Dead)]));
        Assert.True(onB.Observe([(A, SiloStatus.Dead), (B, SiloStatus.Active), (C, SiloStatus.Dead)]));
    }

    [Fact]
    public void Observe_OfDeathsInTheFirstSnapshot_WakesNobody()
    {
        var onB = new SiloDeathWatch(B);

        Assert.False(onB.Observe([(A, SiloStatus.Dead), (B, SiloStatus.Active)]));
        Assert.False(onB.Observe([(A, SiloStatus.Dead), (B, SiloStatus.Active)]));
    }

    [Fact]
    public void Observe_OnASiloThatIsNotActive_DoesNotWake()
    {
        var onA = new SiloDeathWatch(A);
        onA.Observe([(A, SiloStatus.Active), (B, SiloStatus.Active)]);

        Assert.False(onA.Observe([(A, SiloStatus.ShuttingDown), (B, SiloStatus.Dead)]));
    }

    private static SiloAddress Silo(int port) => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, port), 1);
}
