using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Orleans.Serialization;
using Orleans.Serialization.Buffers;
using Orleans.Serialization.Codecs;
using Orleans.Serialization.WireProtocol;

namespace OrleansFlow.Serialization;

/// <summary>
/// One job artifact type's codec: the value as length-prefixed UTF-8 JSON. Reference types take part in Orleans'
/// reference tracking (a repeated object is written once); a subtype is handed to its own codec.
/// </summary>
/// <typeparam name="T">The artifact's type.</typeparam>
internal sealed class JobRecordFieldCodec<T>(JsonSerializerOptions json) : IFieldCodec<T>
{
    private static readonly bool IsValueType = typeof(T).IsValueType;

    /// <inheritdoc />
    public void WriteField<TBufferWriter>(ref Writer<TBufferWriter> writer, uint fieldIdDelta, Type? expectedType, [AllowNull] T value)
        where TBufferWriter : IBufferWriter<byte>
    {
        if (IsValueType)
        {
            ReferenceCodec.MarkValueField(writer.Session);
        }
        else if (ReferenceCodec.TryWriteReferenceField(ref writer, fieldIdDelta, expectedType, value))
        {
            return;
        }
        else if (value.GetType() != typeof(T))
        {
            writer.Session.CodecProvider.GetCodec(value.GetType()).WriteField(ref writer, fieldIdDelta, expectedType, value);
            return;
        }

        writer.WriteFieldHeader(fieldIdDelta, expectedType, typeof(T), WireType.LengthPrefixed);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(value, json);
        writer.WriteVarUInt32((uint)bytes.Length);
        writer.Write(bytes);
    }

    /// <inheritdoc />
    public T ReadValue<TInput>(ref Reader<TInput> reader, Field field)
    {
        if (!IsValueType)
        {
            if (field.WireType == WireType.Reference)
            {
                return ReferenceCodec.ReadReference<T, TInput>(ref reader, field)!;
            }

            if (field.FieldType is { } actual && actual != typeof(T))
            {
                return (T)reader.Session.CodecProvider.GetCodec(actual).ReadValue(ref reader, field)!;
            }
        }
        else
        {
            ReferenceCodec.MarkValueField(reader.Session);
        }

        field.EnsureWireType(WireType.LengthPrefixed);
        var length = reader.ReadVarUInt32();
        var bytes = reader.ReadBytes(length);
        var value = JsonSerializer.Deserialize<T>(bytes, json)!;
        if (!IsValueType)
        {
            ReferenceCodec.RecordObject(reader.Session, value);
        }

        return value;
    }
}
