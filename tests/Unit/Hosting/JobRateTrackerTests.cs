using OrleansFlow.Jobs;
using OrleansFlow.Metrics;
using OrleansFlow.Silo.Web;

namespace OrleansFlow.Tests.Unit.Hosting;

[Trait("Category", "Unit")]
public sealed class JobRateTrackerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Update_FirstSample_HasNoRates()
    {
        Assert.Empty(new JobRateTracker().Update(Sample(attempt: 0, T0, recordsIn: 100, recordsOut: 50, backPressuredMs: 0)));
    }

    [Fact]
    public void Update_SecondSample_GivesPerSecondRatesSummedOverSubtasks()
    {
        var tracker = new JobRateTracker();
        tracker.Update(Sample(0, T0, recordsIn: 1_000, recordsOut: 400, backPressuredMs: 100));

        var rates = tracker.Update(Sample(0, T0.AddSeconds(2), recordsIn: 5_000, recordsOut: 1_400, backPressuredMs: 900));

        var rate = rates[7];
        Assert.Equal(2_000 * 2, rate.RecordsInPerSecond); // two subtasks, each +4,000 in 2 s
        Assert.Equal(500 * 2, rate.RecordsOutPerSecond);
        Assert.Equal(400 * 2, rate.BackPressuredMsPerSecond);
    }

    [Fact]
    public void Update_LessThanASecondAfterTheLastInterval_KeepsItsRates()
    {
        var tracker = new JobRateTracker();
        tracker.Update(Sample(0, T0, recordsIn: 0, recordsOut: 0, backPressuredMs: 0));
        var first = tracker.Update(Sample(0, T0.AddSeconds(1), recordsIn: 100, recordsOut: 0, backPressuredMs: 0));

        var soon = tracker.Update(Sample(0, T0.AddSeconds(1.2), recordsIn: 100, recordsOut: 0, backPressuredMs: 0));
        var later = tracker.Update(Sample(0, T0.AddSeconds(2), recordsIn: 150, recordsOut: 0, backPressuredMs: 0));

        Assert.Equal(200, first[7].RecordsInPerSecond);
        Assert.Equal(200, soon[7].RecordsInPerSecond);
        Assert.Equal(100, later[7].RecordsInPerSecond);
    }

    [Fact]
    public void Update_AfterARestart_GivesNoRateUntilTheNextSampleOfTheNewAttempt()
    {
        var tracker = new JobRateTracker();
        tracker.Update(Sample(0, T0, recordsIn: 9_000, recordsOut: 9_000, backPressuredMs: 0));

        Assert.Empty(tracker.Update(Sample(1, T0.AddSeconds(1), recordsIn: 10, recordsOut: 10, backPressuredMs: 0)));
        Assert.Equal(90 * 2, tracker.Update(Sample(1, T0.AddSeconds(2), recordsIn: 100, recordsOut: 100, backPressuredMs: 0))[7].RecordsInPerSecond);
    }

    private static JobDetails Sample(int attempt, DateTimeOffset at, long recordsIn, long recordsOut, long backPressuredMs)
    {
        TaskMetrics Task(int subtask) => new(7, subtask, recordsIn, recordsOut, 5, backPressuredMs, 0, 0, false, "silo");
        return new JobDetails(
            new JobStatusInfo("job", "name", JobStatus.Running, null, 0, 2, attempt), T0, at, [new VertexDetails(7, "Map", 2, [Task(0), Task(1)])], null);
    }
}
