namespace OrleansFlow.Runtime;

/// <summary>
/// The sender's side of credit-based flow control for one channel: each batch sent takes a credit, and the receiver
/// grants one back per batch it has finished. Not thread-safe; it lives in one grain activation.
/// </summary>
internal sealed class CreditWindow(int credits)
{
    private TaskCompletionSource? _waiter;
    private bool _cancelled;

    /// <summary>Credits left before a sender has to wait.</summary>
    public int Available => credits;

    /// <summary>
    /// Takes one credit, waiting while none is left until <see cref="Grant"/> returns some. Fails once the window is
    /// cancelled (and a waiting call is woken to fail), or when <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    public async Task AcquireAsync(CancellationToken cancellationToken)
    {
        while (credits == 0)
        {
            ObjectDisposedException.ThrowIf(_cancelled, this);
            _waiter ??= new TaskCompletionSource();
            await _waiter.Task.WaitAsync(cancellationToken);
        }

        credits--;
    }

    /// <summary>Returns <paramref name="count"/> credits and wakes a waiting sender.</summary>
    public void Grant(int count)
    {
        credits += count;
        var waiter = _waiter;
        _waiter = null;
        waiter?.TrySetResult();
    }

    /// <summary>Wakes a waiting sender so it fails, and makes later waits fail at once.</summary>
    public void Cancel()
    {
        _cancelled = true;
        var waiter = _waiter;
        _waiter = null;
        waiter?.TrySetCanceled();
    }
}
