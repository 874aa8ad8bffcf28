using Microsoft.Extensions.Time.Testing;
using OrleansFlow.Jobs;
using OrleansFlow.Runtime;

namespace OrleansFlow.Tests.Unit.Runtime;

[Trait("Category", "Unit")]
public sealed class RateLimiterTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private static readonly ExecutionSettings Settings = new(BatchSize: 1000, ChannelCredits: 4, MaxParallelism: 128, BufferTimeoutMs: 100);

    [Theory]
    [InlineData(50.0, 5)]
    [InlineData(1.0, 1)]
    [InlineData(0.001, 1)]
    [InlineData(10_000.0, 1000)]
    [InlineData(1e12, 1000)]
    public void BatchSize_WhenRateIsGiven_IsWhatOneBufferTimeoutAllowsClampedToOneAndTheBatchSize(double rate, int expected)
    {
        var limiter = new RateLimiter(rate, Settings, new FakeTimeProvider());

        Assert.Equal(expected, limiter.BatchSize);
    }

    [Fact]
    public async Task WaitAsync_WhenAheadOfSchedule_WaitsUntilTheRecordsAreDue()
    {
        var time = new FakeTimeProvider();
        var limiter = new RateLimiter(100, Settings, time);

        // 50 records at 100/s are due at 0.5 s.
        var wait = limiter.WaitAsync(50, CancellationToken.None);
        Assert.False(wait.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.False(wait.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));

        await wait.WaitAsync(Timeout);
    }

    [Fact]
    public async Task WaitAsync_WhenBehindSchedule_ReturnsAtOnce()
    {
        var time = new FakeTimeProvider();
        var limiter = new RateLimiter(100, Settings, time);
        time.Advance(TimeSpan.FromSeconds(2));

        // 150 records are due at 1.5 s; 2 s have passed.
        var wait = limiter.WaitAsync(150, CancellationToken.None);

        Assert.True(wait.IsCompletedSuccessfully);
        await wait;
    }

    [Fact]
    public async Task WaitAsync_WhenCalledRepeatedly_KeepsTheScheduleAcrossCalls()
    {
        var time = new FakeTimeProvider();
        var limiter = new RateLimiter(10, Settings, time);
        time.Advance(TimeSpan.FromSeconds(1));
        await limiter.WaitAsync(10, CancellationToken.None).WaitAsync(Timeout);

        // 20 records in total are due at 2 s: one more second to wait.
        var wait = limiter.WaitAsync(10, CancellationToken.None);
        time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(wait.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await wait.WaitAsync(Timeout);
    }

    [Fact]
    public async Task WaitAsync_WhenCancelledWhileWaiting_Throws()
    {
        var time = new FakeTimeProvider();
        var limiter = new RateLimiter(1, Settings, time);
        using var cancellation = new CancellationTokenSource();

        var wait = limiter.WaitAsync(10, cancellation.Token);
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait.WaitAsync(Timeout));
    }

    [Theory]
    [InlineData(10_000.0, 1, 10_000.0)]
    [InlineData(10_000.0, 2, 5_000.0)]
    [InlineData(10_000.0, 4, 2_500.0)]
    [InlineData(1.0, 4, 0.25)]
    public void ForSubtask_WhenTheSourceHasATotalRate_EachSubtaskKeepsAnEqualShare(double total, int parallelism, double expected)
    {
        var limiter = RateLimiter.ForSubtask(total, parallelism, Settings, new FakeTimeProvider());

        Assert.Equal(expected, limiter.RecordsPerSecond);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public async Task ForSubtask_WhenAllSubtasksProduceTheirShares_TheSourceTakesTotalOverRateSeconds(int parallelism)
    {
        // Issue 13: wordcount --rate 10000 over 100,000 lines must take 10 s whatever the parallelism.
        var time = new FakeTimeProvider();
        var limiters = Enumerable.Range(0, parallelism).Select(_ => RateLimiter.ForSubtask(10_000, parallelism, Settings, time)).ToArray();

        var waits = limiters.Select(l => l.WaitAsync(100_000 / parallelism, CancellationToken.None)).ToArray();
        time.Advance(TimeSpan.FromMilliseconds(9_999));
        Assert.All(waits, w => Assert.False(w.IsCompleted));
        time.Advance(TimeSpan.FromMilliseconds(1));

        await Task.WhenAll(waits).WaitAsync(Timeout);
    }

    [Fact]
    public void ForSubtask_WhenTheParallelismIsNotPositive_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => RateLimiter.ForSubtask(100, 0, Settings, new FakeTimeProvider()));
}
