using Orleans.Storage;
using OrleansFlow.Checkpointing.Segments;

namespace OrleansFlow.Storage;

/// <summary>
/// The grain storage serializer of the checkpoint provider: a snapshot segment part, which is bytes already, is stored
/// as it is; every other state goes to the provider's usual serializer. Without it a segment part still works, as a
/// base64 string inside JSON (a third more bytes, and a large string per part to build and parse).
/// </summary>
internal sealed class SegmentPartSerializer(IGrainStorageSerializer inner) : IGrainStorageSerializer
{
    /// <summary>The serializer everything but segment parts goes to.</summary>
    public IGrainStorageSerializer Inner => inner;

    /// <inheritdoc />
    public BinaryData Serialize<T>(T? input) => input is SegmentPart part ? new BinaryData(part.Data) : inner.Serialize(input);

    /// <inheritdoc />
    public T? Deserialize<T>(BinaryData input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return typeof(T) == typeof(SegmentPart) ? (T)(object)new SegmentPart { Data = input.ToArray() } : inner.Deserialize<T>(input);
    }
}
