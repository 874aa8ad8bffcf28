namespace OrleansFlow.Keyed;

/// <summary>The wire form of a <see cref="KeyedInput"/>: exact arrays holding one key's records (see <see cref="KeyedInputConverter"/>).</summary>
/// <param name="Key">The key.</param>
/// <param name="Records">The key's records (an array of the operator's input type).</param>
/// <param name="Timestamps">Their event timestamps, or null.</param>
/// <param name="Watermark">The watermark after the records.</param>
/// <param name="ProcessingTime">The task's clock at dispatch.</param>
/// <param name="Watermarks">The watermark at each record, or null.</param>
[GenerateSerializer, Immutable, Alias("flow.KeyedInputSurrogate")]
internal readonly record struct KeyedInputSurrogate(
    [property: Id(0)] object Key,
    [property: Id(1)] object Records,
    [property: Id(2)] long[]? Timestamps,
    [property: Id(3)] long Watermark,
    [property: Id(4)] long ProcessingTime,
    [property: Id(5)] long[]? Watermarks);
