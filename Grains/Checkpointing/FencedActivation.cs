using Orleans.Core;

using OrleansFlow.Jobs;

namespace OrleansFlow.Checkpointing;

/// <summary>
/// One activation's handle on state that only one activation may drive at a time (a job manager's, a checkpoint
/// coordinator's): a token of its own, stamped on every write, and the fenced writes of <see cref="FencedStateWrites"/>.
/// After a silo's death Orleans' in-cluster directory can briefly hold two activations of a grain; the one whose write
/// finds the other's token is stale (<see cref="StaleActivationException"/>) and steps aside.
/// </summary>
/// <typeparam name="T">The persisted state.</typeparam>
/// <param name="storage">The grain's persistent state.</param>
internal sealed class FencedActivation<T>(IStorage<T> storage)
    where T : class, IFencedState
{
    /// <summary>This activation's token in the state it writes.</summary>
    public string Token { get; } = Guid.NewGuid().ToString("N");

    /// <summary>The state in memory; a take-over or a stale write may replace it with the stored one, so read it afresh each time.</summary>
    public T State => storage.State;

    /// <summary>Writes <see cref="State"/> as this activation.</summary>
    /// <exception cref="StaleActivationException">Another activation has written the state since this one read it.</exception>
    public Task WriteAsync(CancellationToken cancellationToken) => storage.WriteFencedAsync(Token, cancellationToken);

    /// <summary>
    /// Applies <paramref name="command"/> and writes the state as this activation, taking it over from any other (the
    /// command is applied again to the stored state on a conflict; it may refuse by throwing).
    /// </summary>
    public Task TakeOverAsync(Action<T> command, CancellationToken cancellationToken) => storage.TakeOverAsync(Token, command, cancellationToken);
}
