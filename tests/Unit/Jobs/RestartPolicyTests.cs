using Microsoft.Extensions.Time.Testing;
using OrleansFlow.Jobs;

namespace OrleansFlow.Tests.Unit.Jobs;

[Trait("Category", "Unit")]
public sealed class RestartPolicyTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Start);

    [Fact]
    public void OnFailure_WithNoRestart_GivesUpAtOnce()
    {
        var policy = new RestartPolicy(RestartStrategySettings.NoRestart, _time);

        var decision = policy.OnFailure(Start);

        Assert.Equal(RestartDecision.GiveUp("restarts are disabled (restart strategy: none)", 0), decision);
        Assert.False(decision.ShouldRestart);
    }

    [Fact]
    public void OnFailure_WithFixedDelay_RestartsMaxAttemptsTimesThenGivesUp()
    {
        var policy = new RestartPolicy(FixedDelay(attempts: 3, delayMs: 10_000), _time);

        Assert.Equal(RestartDecision.RestartAfter(TimeSpan.FromSeconds(10), 1), policy.OnFailure(Start));
        Assert.Equal(RestartDecision.RestartAfter(TimeSpan.FromSeconds(10), 2), policy.OnFailure(Start.AddMinutes(1)));
        Assert.Equal(RestartDecision.RestartAfter(TimeSpan.FromSeconds(10), 3), policy.OnFailure(Start.AddDays(1)));
        Assert.Equal(RestartDecision.GiveUp("restart attempts exhausted (3 of 3)", 3), policy.OnFailure(Start.AddDays(30)));
        Assert.Equal(3, policy.Attempts);
    }

    [Fact]
    public void OnFailure_WithFixedDelayAndZeroAttempts_GivesUpOnTheFirstFailure()
    {
        var policy = new RestartPolicy(FixedDelay(attempts: 0, delayMs: 1_000), _time);

        Assert.Equal(RestartDecision.GiveUp("restart attempts exhausted (0 of 0)", 0), policy.OnFailure(Start));
    }

    [Fact]
    public void OnFailure_WithFixedDelayAndZeroDelay_RestartsAtOnce()
    {
        var policy = new RestartPolicy(FixedDelay(attempts: 1, delayMs: 0), _time);

        Assert.Equal(RestartDecision.RestartAfter(TimeSpan.Zero, 1), policy.OnFailure(Start));
    }

    [Fact]
    public void OnFailure_WithFailureRate_RestartsWhileAtMostMaxFailuresFallInTheInterval()
    {
        var policy = new RestartPolicy(FailureRate(max: 3, intervalMs: 60_000, delayMs: 5_000), _time);

        Assert.Equal(RestartDecision.RestartAfter(TimeSpan.FromSeconds(5), 1), policy.OnFailure(Start));
        Assert.Equal(RestartDecision.RestartAfter(TimeSpan.FromSeconds(5), 2), policy.OnFailure(Start.AddSeconds(10)));
        Assert.Equal(RestartDecision.RestartAfter(TimeSpan.FromSeconds(5), 3), policy.OnFailure(Start.AddSeconds(20)));
        Assert.Equal(RestartDecision.GiveUp("failure rate exceeded: 4 failures within 1m (max 3)", 3), policy.OnFailure(Start.AddSeconds(30)));
    }

    [Fact]
    public void OnFailure_WithFailureRate_ForgetsFailuresOlderThanTheInterval()
    {
        var policy = new RestartPolicy(FailureRate(max: 2, intervalMs: 60_000, delayMs: 0), _time);

        policy.OnFailure(Start);
        policy.OnFailure(Start.AddSeconds(30));
        var third = policy.OnFailure(Start.AddSeconds(60).AddMilliseconds(1));   // the first is now 60.001 s old: out
        var fourth = policy.OnFailure(Start.AddSeconds(100));                    // the one at 30 s is now 70 s old: out

        Assert.Equal(RestartDecision.RestartAfter(TimeSpan.Zero, 3), third);
        Assert.Equal(RestartDecision.RestartAfter(TimeSpan.Zero, 4), fourth);
        Assert.Equal(4, policy.Attempts);
    }

    [Fact]
    public void OnFailure_WithFailureRate_CountsAFailureExactlyOneIntervalOldAsWithin()
    {
        var policy = new RestartPolicy(FailureRate(max: 1, intervalMs: 1_500, delayMs: 0), _time);

        policy.OnFailure(Start);
        var decision = policy.OnFailure(Start.AddMilliseconds(1_500));

        Assert.Equal(RestartDecision.GiveUp("failure rate exceeded: 2 failures within 1500ms (max 1)", 1), decision);
    }

    [Theory]
    [InlineData(3_600_000, "1h")]
    [InlineData(7_200_000, "2h")]
    [InlineData(90_000, "90s")]
    [InlineData(120_000, "2m")]
    [InlineData(2_000, "2s")]
    [InlineData(2_001, "2001ms")]
    public void OnFailure_WithFailureRate_NamesTheIntervalInItsLargestExactUnit(long intervalMs, string shown)
    {
        var policy = new RestartPolicy(FailureRate(max: 1, intervalMs, delayMs: 0), _time);

        policy.OnFailure(Start);
        var decision = policy.OnFailure(Start);

        Assert.Equal($"failure rate exceeded: 2 failures within {shown} (max 1)", decision.Reason);
    }

    [Fact]
    public void OnFailure_AfterGivingUp_KeepsGivingUp()
    {
        var policy = new RestartPolicy(FailureRate(max: 1, intervalMs: 1_000, delayMs: 0), _time);
        policy.OnFailure(Start);
        var gaveUp = policy.OnFailure(Start);

        var later = policy.OnFailure(Start.AddHours(1));

        Assert.Equal(gaveUp, later);
        Assert.Equal(1, policy.Attempts);
    }

    [Fact]
    public void OnFailure_WithoutATime_UsesTheTimeProvider()
    {
        var policy = new RestartPolicy(FailureRate(max: 1, intervalMs: 1_000, delayMs: 0), _time);

        policy.OnFailure();
        _time.Advance(TimeSpan.FromMilliseconds(1_001));
        var decision = policy.OnFailure();

        Assert.Equal(RestartDecision.RestartAfter(TimeSpan.Zero, 2), decision);
    }

    [Fact]
    public void SettingsFor_WhenTheSubmissionHasNoStrategy_UsesFlinksDefaultForItsCheckpointing()
    {
        var submission = new JobSubmission("job", "job", new JobSource(null, [], "job"), new JobPlan([], [], [], "fp"), ExecutionSettings.Default);

        Assert.Equal(RestartStrategySettings.NoRestart, RestartPolicy.SettingsFor(submission));
        Assert.Equal(
            new RestartStrategySettings(RestartStrategyKind.FixedDelay, int.MaxValue, 1_000),
            RestartPolicy.SettingsFor(submission with { Checkpointing = new CheckpointSettings(IntervalMs: 1_000) }));
        Assert.Equal(RestartStrategySettings.NoRestart, RestartPolicy.SettingsFor(submission with { Checkpointing = CheckpointSettings.Disabled }));
    }

    [Fact]
    public void SettingsFor_WhenTheSubmissionHasAStrategy_UsesIt()
    {
        var strategy = FixedDelay(attempts: 2, delayMs: 10);
        var submission = new JobSubmission("job", "job", new JobSource(null, [], "job"), new JobPlan([], [], [], "fp"), ExecutionSettings.Default,
            new CheckpointSettings(IntervalMs: 1_000), strategy);

        Assert.Same(strategy, RestartPolicy.SettingsFor(submission));
    }

    [Theory]
    [InlineData(RestartStrategyKind.FixedDelay, -1, 0, 0, 0)]
    [InlineData(RestartStrategyKind.FixedDelay, 1, -1, 0, 0)]
    [InlineData(RestartStrategyKind.FailureRate, 0, 0, 0, 1_000)]
    [InlineData(RestartStrategyKind.FailureRate, 0, 0, 1, 0)]
    [InlineData((RestartStrategyKind)9, 0, 0, 0, 0)]
    public void New_WithInvalidSettings_Throws(RestartStrategyKind kind, int attempts, long delayMs, int max, long intervalMs)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RestartPolicy(new RestartStrategySettings(kind, attempts, delayMs, max, intervalMs), _time));
    }

    private static RestartStrategySettings FixedDelay(int attempts, long delayMs) => new(RestartStrategyKind.FixedDelay, attempts, delayMs);

    private static RestartStrategySettings FailureRate(int max, long intervalMs, long delayMs) =>
        new(RestartStrategyKind.FailureRate, 0, delayMs, max, intervalMs);
}
