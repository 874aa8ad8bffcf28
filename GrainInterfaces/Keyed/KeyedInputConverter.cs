namespace OrleansFlow.Keyed;

/// <summary>
/// Serializes a <see cref="KeyedInput"/> through <see cref="KeyedInputSurrogate"/>: only the key's range of the
/// record, timestamp and watermark arrays is written (a keyed subtask sends ranges of one buffer shared by all keys
/// of a flush), and it arrives as exact arrays.
/// </summary>
[RegisterConverter]
internal sealed class KeyedInputConverter : IConverter<KeyedInput, KeyedInputSurrogate>
{
    /// <inheritdoc />
    public KeyedInput ConvertFromSurrogate(in KeyedInputSurrogate surrogate) =>
        new(surrogate.Key, surrogate.Records, surrogate.Timestamps, surrogate.Watermark, surrogate.ProcessingTime, surrogate.Watermarks);

    /// <inheritdoc />
    public KeyedInputSurrogate ConvertToSurrogate(in KeyedInput value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var length = value.Length;
        var records = (Array)value.Records;
        var exact = value.Offset == 0 && length == records.Length;
        return new KeyedInputSurrogate(
            value.Key,
            exact ? records : Range(records, value.Offset, length),
            exact || value.Timestamps is null ? value.Timestamps : value.Timestamps.AsSpan(value.Offset, length).ToArray(),
            value.Watermark,
            value.ProcessingTime,
            exact || value.Watermarks is null ? value.Watermarks : value.Watermarks.AsSpan(value.Offset, length).ToArray());
    }

    private static Array Range(Array source, int offset, int length)
    {
        var range = Array.CreateInstance(source.GetType().GetElementType()!, length);
        Array.Copy(source, offset, range, 0, length);
        return range;
    }
}
