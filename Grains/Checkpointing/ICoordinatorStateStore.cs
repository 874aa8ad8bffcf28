using OrleansFlow.Jobs;

namespace OrleansFlow.Checkpointing;

/// <summary>
/// The coordinator's persisted state and its fenced writes (<see cref="FencedStateWrites"/>): at most one activation
/// drives a job's checkpoints, and a write that finds another activation's throws <see cref="StaleActivationException"/>.
/// </summary>
internal interface ICoordinatorStateStore
{
    /// <summary>The state in memory; a take-over may replace it with the stored one, so read it afresh each time.</summary>
    CoordinatorState State { get; }

    /// <summary>Writes <see cref="State"/>.</summary>
    /// <exception cref="StaleActivationException">Another activation has written the state since this one read it.</exception>
    Task WriteAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Applies a job manager's command and writes it, taking the state over from any other activation (the command is
    /// applied again to the stored state on a conflict).
    /// </summary>
    /// <param name="jobManagerEpoch">The commanding job manager's generation; null (a savepoint seed at submission) skips the check.</param>
    /// <param name="command">The change; it may run more than once, each time on the state it is given.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <exception cref="StaleActivationException">The command comes from an older job manager generation than one already obeyed.</exception>
    Task TakeOverAsync(long? jobManagerEpoch, Action<CoordinatorState> command, CancellationToken cancellationToken);
}
