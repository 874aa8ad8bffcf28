using Microsoft.Extensions.Logging;
using OrleansFlow.Checkpoints;
using OrleansFlow.Checkpointing.Segments;
using OrleansFlow.Diagnostics;

namespace OrleansFlow.Checkpointing;

/// <summary>
/// The coordinator's <see cref="ISegmentDeleter"/>: deletes segments through a <see cref="SegmentStore"/>, each batch
/// after the ones before it; a failure is logged (the segment stays behind), never thrown.
/// </summary>
/// <param name="segments">Creates the segment store on first use.</param>
/// <param name="jobId">The job, for the log.</param>
/// <param name="logger">Where failed deletions are logged.</param>
internal sealed class SegmentDeletionQueue(Func<SegmentStore> segments, string jobId, ILogger logger) : ISegmentDeleter
{
    private SegmentStore? _store;
    private Task _deletions = Task.CompletedTask;

    private SegmentStore Store => _store ??= segments();

    /// <inheritdoc />
    public void Delete(IReadOnlyList<SegmentRef> segments)
    {
        if (segments.Count > 0)
        {
            Chain(async () =>
            {
                foreach (var segment in segments)
                {
                    await Store.DeleteAsync(segment, CancellationToken.None);
                }
            });
        }
    }

    /// <inheritdoc />
    public void DeleteKeys(IReadOnlyList<string> storageKeys)
    {
        if (storageKeys.Count > 0)
        {
            Chain(async () =>
            {
                foreach (var key in storageKeys)
                {
                    await Store.DeleteIfPresentAsync(key, CancellationToken.None);
                }
            });
        }
    }

    /// <inheritdoc />
    public Task DrainAsync() => _deletions;

    /// <summary>Runs a deletion after the ones before it; a failure is logged, never thrown.</summary>
    private void Chain(Func<Task> deletion)
    {
        var previous = _deletions;
        _deletions = RunAsync();

        async Task RunAsync()
        {
            await previous;
            try
            {
                await deletion();
            }
            catch (Exception e)
            {
                Log.SegmentDeletionFailed(logger, e, jobId);
            }
        }
    }
}
