namespace OrleansFlow.State;

/// <summary>
/// The named states of one key, as a <see cref="KeyImage"/> carries them after its timer header. Serialized with the
/// Orleans serializer, so state values of user types need <c>[GenerateSerializer]</c> (as records crossing channels
/// do). Names and values are two arrays rather than a dictionary, so an image does not carry a comparer.
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
}
