using OrleansFlow.Keyed;

namespace OrleansFlow.Tests.Unit.Keyed;

/// <summary>
/// What a per-key grain does with a call: calls of older attempts are ignored, a seed starts the attempt's live state,
/// an unseeded call needs that live state, and an unseeded call that already ran is never run twice.
/// </summary>
[Trait("Category", "Unit")]
public sealed class KeyCallAdmissionTests
{
    [Fact]
    public void Accept_WhenTheFirstCallOfAnAttemptIsSeeded_RunsItAndLaterCallsWithoutSeed()
    {
        var admission = new KeyCallAdmission();

        Assert.Equal(Admission.Run, admission.Accept(attempt: 2, sequence: 1, seeded: true));
        Assert.Equal(Admission.Run, admission.Accept(attempt: 2, sequence: 2, seeded: false));
        Assert.Equal(Admission.Run, admission.Accept(attempt: 2, sequence: 5, seeded: false));
        Assert.Equal((2, 5L), (admission.Attempt, admission.LastSequence));
    }

    [Fact]
    public void Accept_WhenAnUnseededCallComesToAGrainWithoutTheAttemptsState_SaysTheStateWasLost()
    {
        var admission = new KeyCallAdmission();

        Assert.Equal(Admission.Lost, admission.Accept(attempt: 0, sequence: 7, seeded: false));
        Assert.Equal(KeyCallAdmission.NoAttempt, admission.Attempt);
    }

    [Fact]
    public void Accept_WhenACallThatRanIsSentAgainWithoutSeed_DoesNotRunItTwice()
    {
        var admission = new KeyCallAdmission();
        admission.Accept(attempt: 1, sequence: 1, seeded: true);
        admission.Accept(attempt: 1, sequence: 2, seeded: false);

        Assert.Equal(Admission.Repeated, admission.Accept(attempt: 1, sequence: 2, seeded: false));
        Assert.Equal(Admission.Run, admission.Accept(attempt: 1, sequence: 3, seeded: false));
    }

    [Fact]
    public void Accept_WhenASeededCallIsSentAgain_RunsItAgainBecauseTheSeedReplacesTheState()
    {
        var admission = new KeyCallAdmission();
        admission.Accept(attempt: 1, sequence: 4, seeded: true);

        Assert.Equal(Admission.Run, admission.Accept(attempt: 1, sequence: 4, seeded: true));
    }

    [Fact]
    public void Accept_WhenACallOfAnOlderAttemptArrivesLate_IgnoresItAndKeepsTheNewerState()
    {
        var admission = new KeyCallAdmission();
        admission.Accept(attempt: 3, sequence: 1, seeded: true);

        Assert.Equal(Admission.Ignore, admission.Accept(attempt: 2, sequence: 99, seeded: true));
        Assert.Equal((3, 1L), (admission.Attempt, admission.LastSequence));
    }

    [Fact]
    public void Accept_AfterAMigrationCarriedTheLastSequence_StillRefusesTheRepeatedCall()
    {
        var moved = new KeyCallAdmission();
        moved.Reset(attempt: 1, lastSequence: 9);

        Assert.Equal(Admission.Repeated, moved.Accept(attempt: 1, sequence: 9, seeded: false));
        Assert.Equal(Admission.Run, moved.Accept(attempt: 1, sequence: 10, seeded: false));
    }
}
