namespace OrleansFlow.State;

/// <summary>
/// A copy of one key's state and timers as a checkpoint stores it. Serialized with the Orleans serializer, so state
/// values of user types need <c>[GenerateSerializer]</c> (as records crossing channels do). Names and values are kept
/// as two arrays rather than a dictionary, so an image does not carry a comparer.
/// </summary>
[GenerateSerializer, Alias("flow.KeyStateImage")]
internal sealed class KeyStateImage
{
    /// <summary>The names of the key's states, parallel to <see cref="Values"/>.</summary>
    [Id(0)]
    public string[] Names { get; set; } = [];

    /// <summary>The named states (value holders, lists, maps, window panes).</summary>
    [Id(4)]
    public object[] Values { get; set; } = [];

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
