namespace OrleansFlow.Checkpointing;

/// <summary>
/// The coordinator grain's <see cref="ICoordinatorStateStore"/>: its persistent state, written with
/// <see cref="FencedActivation{T}"/> (a token of its own activation), and job manager commands refused when they
/// come from an older job manager generation than one already obeyed.
/// </summary>
/// <param name="state">The grain's persistent state.</param>
/// <param name="jobId">The job, for messages.</param>
internal sealed class FencedCoordinatorState(IPersistentState<CoordinatorState> state, string jobId) : ICoordinatorStateStore
{
    private readonly FencedActivation<CoordinatorState> _activation = new(state);

    /// <inheritdoc />
    public CoordinatorState State => _activation.State;

    /// <inheritdoc />
    public Task WriteAsync(CancellationToken cancellationToken) => _activation.WriteAsync(cancellationToken);

    /// <inheritdoc />
    public Task TakeOverAsync(long? jobManagerEpoch, Action<CoordinatorState> command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        return _activation.TakeOverAsync(s =>
        {
            if (jobManagerEpoch is { } epoch)
            {
                s.RefuseOlderJobManager(jobId, epoch);
                s.JobManagerEpoch = epoch;
            }

            command(s);
        }, cancellationToken);
    }
}
