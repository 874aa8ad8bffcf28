namespace OrleansFlow.Checkpointing.Segments;

/// <summary>
/// A snapshot segment's manifest, as stored: written before its parts (so a segment can be found and deleted by its key
/// alone, even when writing it was cut short) and again after them with their storage versions.
/// </summary>
[GenerateSerializer, Alias("flow.SegmentManifest")]
internal sealed class SegmentManifest
{
    /// <summary>How many parts the segment has.</summary>
    [Id(0)]
    public int Parts { get; set; }

    /// <summary>The parts' storage versions (ETags), once every part is written; null before.</summary>
    [Id(1)]
    public string?[]? PartETags { get; set; }
}

/// <summary>One part of a snapshot segment, as stored (<see cref="SegmentCodec"/>'s format).</summary>
[GenerateSerializer, Alias("flow.SegmentPart")]
internal sealed class SegmentPart
{
    [Id(0)]
    public byte[] Data { get; set; } = [];
}
