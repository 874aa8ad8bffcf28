using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OrleansFlow.Silo;

namespace OrleansFlow.Tests.Unit.Hosting;

/// <summary>
/// A silo's graceful stop is bounded by <c>--shutdown-timeout</c> (issue 13, item 5): the stop is told to give up when
/// the bound passes and the caller learns it timed out then, whatever the stop still waits for. Fake time throughout.
/// </summary>
[Trait("Category", "Unit")]
public sealed class BoundedShutdownTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task StopAsync_WhenTheStopFinishesWithinTheBound_ReportsStopped()
    {
        var finish = new TaskCompletionSource();
        var outcome = new BoundedShutdown(Bound, _time).StopAsync(_ => finish.Task, CancellationToken.None);
        _time.Advance(Bound - TimeSpan.FromMilliseconds(1));
        finish.SetResult();

        Assert.Equal(ShutdownOutcome.Stopped, await outcome);
    }

    [Fact]
    public async Task StopAsync_WhenTheStopHangs_ReportsTimedOutWhenTheBoundPassesAndCancelsTheStopsToken()
    {
        CancellationToken given = default;
        var outcome = new BoundedShutdown(Bound, _time).StopAsync(
            token =>
            {
                given = token;
                return Task.Delay(Timeout.Infinite, CancellationToken.None); // ignores its token, as a stop blocked on Redis does
            },
            CancellationToken.None);
        _time.Advance(Bound - TimeSpan.FromMilliseconds(1));
        Assert.False(outcome.IsCompleted, "the stop was given up before the bound passed");
        Assert.False(given.IsCancellationRequested);

        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(ShutdownOutcome.TimedOut, await outcome);
        Assert.True(given.IsCancellationRequested);
    }

    [Fact]
    public async Task StopAsync_WhenTheStopFailsWithinTheBound_Rethrows()
    {
        var outcome = new BoundedShutdown(Bound, _time).StopAsync(_ => Task.FromException(new IOException("disk gone")), CancellationToken.None);

        Assert.Equal("disk gone", (await Assert.ThrowsAsync<IOException>(() => outcome)).Message);
    }

    [Theory]
    [InlineData("0s", "Silo:ShutdownTimeout must be between 100ms and 1h, got '0s'.")]
    [InlineData("2h", "Silo:ShutdownTimeout must be between 100ms and 1h, got '2h'.")]
    [InlineData("soon", "Silo:ShutdownTimeout: 'soon' is not a duration (use e.g. 500ms, 10s, 5m, 1h).")]
    public void Build_WithABadShutdownTimeout_FailsNamingIt(string value, string message)
    {
        var error = Assert.Throws<OptionsValidationException>(() => FlowSiloHost.Build(["--shutdown-timeout", value]));

        Assert.Contains(message, error.Failures);
    }

    [Fact]
    public void ShutdownTimeout_ByDefault_Is30Seconds()
    {
        Assert.Equal(TimeSpan.FromSeconds(30), SiloHostOptionsValidator.ShutdownTimeout(new SiloHostOptions()));
    }
}
