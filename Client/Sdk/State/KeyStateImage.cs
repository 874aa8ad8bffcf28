namespace OrleansFlow.State;

/// <summary>
/// A copy of one key's state and timers as a checkpoint stores it. Serialized with the Orleans serializer, so state
/// values of user types need <c>[GenerateSerializer]</c> (as records crossing channels do).
/// </summary>
[GenerateSerializer, Alias("flow.KeyStateImage")]
internal sealed class KeyStateImage
{
    /// <summary>The named states (value holders, lists, maps, window panes).</summary>
    [Id(0)]
    public Dictionary<string, object> Entries { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Pending event-time timers.</summary>
    [Id(1)]
    public long[] EventTimers { get; set; } = [];

    /// <summary>Pending processing-time timers.</summary>
    [Id(2)]
    public long[] ProcessingTimers { get; set; } = [];

    /// <summary>The watermark up to which the key's event-time timers have fired.</summary>
    [Id(3)]
    public long Watermark { get; set; } = long.MinValue;
}
