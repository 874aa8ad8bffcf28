using Orleans.Core;
using Orleans.Storage;
using OrleansFlow.Jobs;

namespace OrleansFlow.Checkpointing;

/// <summary>
/// Writes state that only one activation may drive, fencing out stale duplicates. Every write stamps the writer's
/// token and is checked against the stored ETag. On a version conflict the stored state is read:
/// <list type="bullet">
/// <item>it carries our token: an earlier write of ours that failed on the client side (a timeout) reached storage
/// after all; the in-memory state is written again over the stored ETag;</item>
/// <item>it carries another token: another activation has written since we read, so we are stale. The fresh stored
/// state stays in memory and <see cref="StaleActivationException"/> is thrown; the caller must not act on its old
/// view (no barrier, no commit, no deployment) and steps aside.</item>
/// </list>
/// <see cref="TakeOverAsync"/> is for commands of the job manager, which must land whichever activation receives
/// them: on a conflict it applies the command to the freshly read state and writes that. A conflict because the record
/// vanished from storage (<see cref="StorageLossCheck"/>) throws <see cref="StorageLostException"/> in both.
/// </summary>
internal static class FencedStateWrites
{
    /// <summary>How often a take-over re-reads and retries when writes keep racing with another activation's.</summary>
    private const int TakeOverAttempts = 5;

    /// <summary>Writes the in-memory state as <paramref name="writer"/>; throws <see cref="StaleActivationException"/> when another activation wrote since.</summary>
    public static async Task WriteFencedAsync<T>(this IStorage<T> state, string writer, CancellationToken cancellationToken)
        where T : class, IFencedState
    {
        ArgumentNullException.ThrowIfNull(state);
        state.State.Writer = writer;
        var etag = state.Etag;
        try
        {
            await state.WriteStateAsync(cancellationToken);
            return;
        }
        catch (InconsistentStateException)
        {
        }

        var current = state.State;
        await state.ReadStateAsync(cancellationToken);
        switch (StorageLossCheck.Classify(etag, state.RecordExists, state.State.Writer, writer))
        {
            case FencedConflict.StorageLost:
                state.State = current;
                throw StorageLossCheck.Lost(typeof(T));
            case FencedConflict.Stale:
                throw new StaleActivationException(
                    $"another activation ({state.State.Writer ?? "unknown"}) has written this state since activation {writer} read it");
        }

        state.State = current;
        await state.WriteStateAsync(cancellationToken);
    }

    /// <summary>
    /// Applies a command to the state and writes it as <paramref name="writer"/>, taking the state over from any other
    /// activation: on a conflict the command is applied again to the stored state. <paramref name="apply"/> may refuse
    /// (throw) after looking at the state it is given, e.g. a command of an older job manager.
    /// </summary>
    public static async Task TakeOverAsync<T>(this IStorage<T> state, string writer, Action<T> apply, CancellationToken cancellationToken)
        where T : class, IFencedState
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(apply);
        apply(state.State);
        for (var attempt = 1; ; attempt++)
        {
            state.State.Writer = writer;
            var etag = state.Etag;
            try
            {
                await state.WriteStateAsync(cancellationToken);
                return;
            }
            catch (InconsistentStateException) when (attempt < TakeOverAttempts)
            {
            }

            var current = state.State;
            await state.ReadStateAsync(cancellationToken);
            switch (StorageLossCheck.Classify(etag, state.RecordExists, state.State.Writer, writer))
            {
                case FencedConflict.StorageLost:
                    state.State = current; // never apply a command to an empty record as if it were the job's
                    throw StorageLossCheck.Lost(typeof(T));
                case FencedConflict.OwnWriteLanded:
                    state.State = current; // our own earlier write landed: the in-memory state already has the command
                    break;
                default:
                    apply(state.State);
                    break;
            }
        }
    }
}
