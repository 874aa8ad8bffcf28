using Microsoft.Extensions.Time.Testing;
using OrleansFlow.Execution;
using OrleansFlow.Runtime;

namespace OrleansFlow.Tests.Unit.Runtime;

/// <summary>Periodic watermark generators run once per auto-watermark interval (Flink's autoWatermarkInterval), or on demand.</summary>
[Trait("Category", "Unit")]
public sealed class PeriodicWatermarksTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);
    private readonly FakeTimeProvider _time = new();
    private readonly CountingEmitter _emitter = new();

    [Fact]
    public void EmitIfDue_RunsTheGeneratorsOnlyOnceAnIntervalHasPassedSinceTheyLastRan()
    {
        var periodic = new PeriodicWatermarks([_emitter], Interval, _time);

        periodic.EmitIfDue();
        _time.Advance(Interval - TimeSpan.FromMilliseconds(1));
        periodic.EmitIfDue();
        Assert.Equal(0, _emitter.Runs);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        periodic.EmitIfDue();
        periodic.EmitIfDue();
        Assert.Equal(1, _emitter.Runs);
    }

    [Fact]
    public void EmitIfDue_WhenForced_RunsAtOnceAndStartsANewInterval()
    {
        var periodic = new PeriodicWatermarks([_emitter], Interval, _time);
        _time.Advance(Interval / 2);

        periodic.EmitIfDue(force: true);
        _time.Advance(Interval / 2);
        periodic.EmitIfDue();

        Assert.Equal(1, _emitter.Runs);
        Assert.True(periodic.Any);
        Assert.False(new PeriodicWatermarks([], Interval, _time).Any);
    }

    private sealed class CountingEmitter : IPeriodicEmitter
    {
        public int Runs { get; private set; }

        public void EmitPeriodic() => Runs++;
    }
}
