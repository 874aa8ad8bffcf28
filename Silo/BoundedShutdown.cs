namespace OrleansFlow.Silo;

/// <summary>How a <see cref="BoundedShutdown"/> ended.</summary>
internal enum ShutdownOutcome
{
    /// <summary>The host stopped within the bound.</summary>
    Stopped,

    /// <summary>The bound passed first: the stop was cancelled (Orleans turns to an ungraceful stop) and the caller gives up.</summary>
    TimedOut,
}

/// <summary>
/// A graceful stop with a bound (<see cref="SiloHostOptions.ShutdownTimeout"/>): the stop gets a token that is
/// cancelled when the bound passes, and the caller learns at that moment that it timed out, whatever the stop is
/// still waiting for (a paused Redis held a silo's stop for minutes before). The caller then says why and exits.
/// </summary>
internal sealed class BoundedShutdown(TimeSpan timeout, TimeProvider time)
{
    /// <summary>The bound.</summary>
    public TimeSpan Timeout { get; } = timeout > TimeSpan.Zero ? timeout : throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "The shutdown timeout must be positive.");

    /// <summary>
    /// Runs <paramref name="stop"/> and waits for it or for the bound, whichever comes first. An exception of a stop that
    /// ends within the bound is rethrown.
    /// </summary>
    public async Task<ShutdownOutcome> StopAsync(Func<CancellationToken, Task> stop, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stop);
        using var giveUp = new CancellationTokenSource(Timeout, time);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(giveUp.Token, cancellationToken);
        var stopping = stop(giveUp.Token);
        var expired = Task.Delay(System.Threading.Timeout.InfiniteTimeSpan, deadline.Token);
        if (await Task.WhenAny(stopping, expired) == stopping)
        {
            await stopping;
            return ShutdownOutcome.Stopped;
        }

        cancellationToken.ThrowIfCancellationRequested();
        return ShutdownOutcome.TimedOut;
    }
}
