using System.Globalization;
using Orleans.Storage;
using OrleansFlow.Checkpoints;

namespace OrleansFlow.Checkpointing.Segments;

/// <summary>
/// Reads, writes and deletes snapshot segments through the grain storage provider of checkpoints
/// (<see cref="FlowNames.CheckpointStorage"/>): a segment is a manifest (state <see cref="ManifestState"/>) and its parts
/// (state <see cref="PartState"/>), stored under grain ids of type <see cref="GrainType"/> that no grain activates. A few
/// large objects per subtask and checkpoint, whatever the number of keys.
/// </summary>
internal sealed class SegmentStore(IGrainStorage storage, SegmentCodec codec)
{
    /// <summary>The grain type of the storage ids of segments.</summary>
    public const string GrainType = "flow.segment";

    /// <summary>The state name of a segment's manifest.</summary>
    public const string ManifestState = "segment";

    /// <summary>The state name of a segment's parts.</summary>
    public const string PartState = "part";

    /// <summary>
    /// Writes the items of a segment (<paramref name="segment"/> names it; its sizes are filled in) and returns the
    /// written segment once every part is durable. The parts are encoded off the caller's thread.
    /// </summary>
    public async Task<SegmentRef> WriteAsync(SegmentRef segment, IReadOnlyList<SegmentItem> items, CancellationToken cancellationToken)
    {
        var parts = await Task.Run(() => codec.Encode(items), cancellationToken);
        var manifest = new GrainState<SegmentManifest>(new SegmentManifest { Parts = parts.Count });
        await WriteAsync(ManifestState, segment.StorageKey, manifest, cancellationToken);
        var partETags = await Task.WhenAll(parts.Select(async (data, p) =>
        {
            var part = new GrainState<SegmentPart>(new SegmentPart { Data = data });
            await WriteAsync(PartState, PartKey(segment.StorageKey, p), part, cancellationToken);
            return part.ETag;
        }));
        manifest.State!.PartETags = partETags;
        await storage.WriteStateAsync(ManifestState, Id(segment.StorageKey), manifest, cancellationToken);
        return segment with
        {
            Parts = parts.Count,
            Entries = items.Count,
            Bytes = parts.Sum(p => (long)p.Length),
            ETags = [manifest.ETag, .. partETags],
        };
    }

    /// <summary>Reads every item of a segment, in the order they were written.</summary>
    /// <exception cref="InvalidDataException">A part is missing or not in the segment format.</exception>
    public async Task<List<SegmentItem>> ReadAsync(SegmentRef segment, CancellationToken cancellationToken)
    {
        var parts = await Task.WhenAll(Enumerable.Range(0, segment.Parts).Select(async p =>
        {
            var state = new GrainState<SegmentPart>(new SegmentPart());
            await storage.ReadStateAsync(PartState, Id(PartKey(segment.StorageKey, p)), state, cancellationToken);
            return state.RecordExists
                ? state.State!.Data
                : throw new InvalidDataException($"part {p} of snapshot segment {segment.StorageKey} is missing from storage");
        }));
        return await Task.Run(() => parts.SelectMany(p => codec.Decode(p)).ToList(), cancellationToken);
    }

    /// <summary>Deletes a segment that was written completely (its reference holds the storage versions).</summary>
    public async Task DeleteAsync(SegmentRef segment, CancellationToken cancellationToken)
    {
        if (segment.ETags is not { } etags || etags.Length != segment.Parts + 1)
        {
            await DeleteIfPresentAsync(segment.StorageKey, cancellationToken);
            return;
        }

        await Task.WhenAll(Enumerable.Range(0, segment.Parts).Select(p => ClearAsync<SegmentPart>(PartState, PartKey(segment.StorageKey, p), etags[p + 1], cancellationToken)));
        await ClearAsync<SegmentManifest>(ManifestState, segment.StorageKey, etags[0], cancellationToken);
    }

    /// <summary>Deletes the segment stored under <paramref name="storageKey"/>, if there is one (its manifest names its parts).</summary>
    public async Task DeleteIfPresentAsync(string storageKey, CancellationToken cancellationToken)
    {
        var manifest = new GrainState<SegmentManifest>(new SegmentManifest());
        await storage.ReadStateAsync(ManifestState, Id(storageKey), manifest, cancellationToken);
        if (!manifest.RecordExists)
        {
            return;
        }

        var etags = manifest.State!.PartETags;
        await Task.WhenAll(Enumerable.Range(0, manifest.State.Parts).Select(p =>
            ClearAsync<SegmentPart>(PartState, PartKey(storageKey, p), etags is not null && p < etags.Length ? etags[p] : null, cancellationToken)));
        await storage.ClearStateAsync(ManifestState, Id(storageKey), manifest, cancellationToken);
    }

    private static string PartKey(string storageKey, int part) => string.Create(CultureInfo.InvariantCulture, $"{storageKey}/{part}");

    private static GrainId Id(string key) => GrainId.Create(GrainType, key);

    /// <summary>
    /// Writes a new object. A segment's key is unique to its job, subtask, attempt and checkpoint, so an object is there
    /// already only when an earlier try of the same write got through; it is replaced.
    /// </summary>
    private async Task WriteAsync<T>(string stateName, string key, GrainState<T> state, CancellationToken cancellationToken)
    {
        try
        {
            await storage.WriteStateAsync(stateName, Id(key), state, cancellationToken);
        }
        catch (InconsistentStateException)
        {
            state.ETag = await ReadETagAsync<T>(stateName, key, cancellationToken);
            await storage.WriteStateAsync(stateName, Id(key), state, cancellationToken);
        }
    }

    /// <summary>Deletes an object given its storage version, reading the version when it is unknown or stale; a missing object is fine.</summary>
    private async Task ClearAsync<T>(string stateName, string key, string? etag, CancellationToken cancellationToken)
    {
        var state = new GrainState<T> { ETag = etag ?? await ReadETagAsync<T>(stateName, key, cancellationToken) };
        try
        {
            await storage.ClearStateAsync(stateName, Id(key), state, cancellationToken);
        }
        catch (InconsistentStateException)
        {
            state.ETag = await ReadETagAsync<T>(stateName, key, cancellationToken);
            await storage.ClearStateAsync(stateName, Id(key), state, cancellationToken);
        }
    }

    private async Task<string?> ReadETagAsync<T>(string stateName, string key, CancellationToken cancellationToken)
    {
        var stored = new GrainState<T>();
        await storage.ReadStateAsync(stateName, Id(key), stored, cancellationToken);
        return stored.ETag;
    }
}
