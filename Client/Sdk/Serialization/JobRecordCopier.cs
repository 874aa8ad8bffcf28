using System.Text.Json;
using Orleans.Serialization.Cloning;

namespace OrleansFlow.Serialization;

/// <summary>
/// One job artifact type's deep copier (Orleans copies grain call arguments within a silo): a JSON round trip, as the
/// wire format, so a copy holds exactly what a remote receiver would get.
/// </summary>
/// <typeparam name="T">The artifact's type.</typeparam>
internal sealed class JobRecordCopier<T>(JsonSerializerOptions json) : IDeepCopier<T>
{
    /// <inheritdoc />
    public T? DeepCopy(T? input, CopyContext context)
    {
        if (input is null)
        {
            return input;
        }

        if (!typeof(T).IsValueType && context.TryGetCopy(input, out object? existing))
        {
            return (T)existing!;
        }

        var copy = JsonSerializer.Deserialize<T>(JsonSerializer.SerializeToUtf8Bytes(input, json), json)!;
        if (!typeof(T).IsValueType)
        {
            context.RecordCopy(input, copy);
        }

        return copy;
    }
}
