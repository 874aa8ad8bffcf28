namespace OrleansFlow.Runtime;

/// <summary>
/// Runs a subtask's actions one at a time, after Flink's MailboxProcessor/MailboxExecutor in small. A grain
/// activation runs one thread at a time but interleaves at every <c>await</c>; the mailbox makes an asynchronous
/// action exclusive from its start to its end, so whatever touches the operator chain sees it between two actions.
/// <list type="bullet">
/// <item>Actions run in the order they were submitted (waiters queue first in, first out).</item>
/// <item>An action's exception goes to its caller; the mailbox is free again for the next action.</item>
/// <item>A caller whose token is cancelled while it waits gets an <see cref="OperationCanceledException"/> and its
/// action never runs; a token cancelled once the action runs is the action's business.</item>
/// <item>Not reentrant: an action that submits to its own mailbox waits for itself for ever.</item>
/// </list>
/// </summary>
internal sealed class Mailbox : IDisposable
{
    private readonly SemaphoreSlim _turn = new(1, 1);

    /// <summary>Whether no action is running or waiting.</summary>
    public bool IsIdle => _turn.CurrentCount == 1;

    /// <summary>Runs <paramref name="action"/> once every action submitted before it has ended.</summary>
    /// <param name="action">The action.</param>
    /// <param name="cancellationToken">Gives up waiting (the action then does not run).</param>
    /// <exception cref="OperationCanceledException">The token was cancelled before the action's turn came.</exception>
    public async Task RunAsync(Func<Task> action, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(action);
        await _turn.WaitAsync(cancellationToken);
        try
        {
            await action();
        }
        finally
        {
            _turn.Release();
        }
    }

    /// <summary>Runs <paramref name="action"/> once every action submitted before it has ended, and returns its result.</summary>
    /// <param name="action">The action.</param>
    /// <param name="cancellationToken">Gives up waiting (the action then does not run).</param>
    /// <exception cref="OperationCanceledException">The token was cancelled before the action's turn came.</exception>
    public async Task<T> RunAsync<T>(Func<Task<T>> action, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(action);
        await _turn.WaitAsync(cancellationToken);
        try
        {
            return await action();
        }
        finally
        {
            _turn.Release();
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _turn.Dispose();
}
