using Orleans.Core;
using Orleans.Storage;

namespace OrleansFlow.Checkpointing;

/// <summary>
/// Writes grain state that only its own activation writes (a per-key grain's snapshot history, a savepoint's; the job
/// manager and the checkpoint coordinator, which may have stale duplicates, use <see cref="FencedStateWrites"/>). A write
/// that failed on the client side (a timeout while storage was unreachable) may still have reached storage: the
/// stored ETag then moves on while the activation keeps the old one, and every later write fails with
/// <see cref="InconsistentStateException"/> (which, escaping a grain call, also makes Orleans deactivate the grain and
/// drop its in-memory state). As no one else writes the state, such a conflict comes from our own earlier write: take
/// the stored ETag and write the in-memory state again. (Should a duplicate activation ever exist for a moment, the
/// later writer wins, as it would without ETags.)
/// </summary>
internal static class OwnedStateWrites
{
    /// <summary>Writes the state; on a version conflict, reads the stored ETag and writes the in-memory state once more.</summary>
    public static async Task WriteOwnedStateAsync<T>(this IStorage<T> state, CancellationToken cancellationToken)
    {
        try
        {
            await state.WriteStateAsync(cancellationToken);
        }
        catch (InconsistentStateException)
        {
            var current = state.State;
            await state.ReadStateAsync(cancellationToken);
            state.State = current;
            await state.WriteStateAsync(cancellationToken);
        }
    }
}
