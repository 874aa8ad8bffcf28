using Microsoft.Extensions.Time.Testing;
using OrleansFlow.Configuration;
using OrleansFlow.Runtime;

namespace OrleansFlow.Tests.Unit.Runtime;

/// <summary>A task's report to its job manager is never lost to a failed call (a lost "finished" or "failed" report left a job waiting for ever).</summary>
[Trait("Category", "Unit")]
public sealed class JobManagerReportsTests
{
    private static readonly TimeSpan GiveUpAfter = new TaskOptions().JobManagerReportTimeout;
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task Deliver_WhenTheFirstCallsFail_RetriesUntilOneIsDelivered()
    {
        var calls = 0;
        var retries = new List<int>();

        var delivered = await RunAsync(JobManagerReports.DeliverAsync(
            () => ++calls < 3 ? Task.FromException(new OperationCanceledException("Message expired before placement could complete")) : Task.CompletedTask,
            () => false,
            (_, attempt) => retries.Add(attempt),
            GiveUpAfter,
            _time,
            CancellationToken.None), TimeSpan.FromMilliseconds(100));

        Assert.True(delivered);
        Assert.Equal(3, calls);
        Assert.Equal([1, 2], retries);
    }

    [Fact]
    public async Task Deliver_WhenTheTaskWasCancelledMeanwhile_StopsWithoutDelivering()
    {
        var calls = 0;
        var cancelled = false;

        var delivered = await RunAsync(JobManagerReports.DeliverAsync(
            () =>
            {
                calls++;
                cancelled = true;
                return Task.FromException(new TimeoutException("no answer"));
            },
            () => cancelled,
            (_, _) => { },
            GiveUpAfter,
            _time,
            CancellationToken.None), TimeSpan.FromMilliseconds(100));

        Assert.False(delivered);
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task Deliver_WhenEveryCallFailsPastTheLimit_ThrowsTheLastError()
    {
        var calls = 0;

        var error = await Assert.ThrowsAsync<TimeoutException>(() => RunAsync(JobManagerReports.DeliverAsync(
            () => Task.FromException(new TimeoutException($"no answer {++calls}")),
            () => false,
            (_, _) => { },
            GiveUpAfter,
            _time,
            CancellationToken.None), TimeSpan.FromSeconds(5)));

        Assert.Equal($"no answer {calls}", error.Message);
        Assert.True(calls > 3, $"only {calls} tries before giving up");
        Assert.True(_time.GetUtcNow() - _time.Start >= GiveUpAfter);
    }

    /// <summary>Moves the fake clock on in steps until the delivery ends.</summary>
    private async Task<T> RunAsync<T>(Task<T> delivery, TimeSpan step)
    {
        while (!delivery.IsCompleted)
        {
            _time.Advance(step);
            await Task.Delay(5); // lets the retry loop's continuation run
        }

        return await delivery;
    }
}
