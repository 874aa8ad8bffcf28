using System.Buffers;
using System.Runtime.InteropServices;
using Orleans.Serialization;
using OrleansFlow.Keyed;

namespace OrleansFlow.Checkpointing.Segments;

/// <summary>
/// The binary form of a snapshot segment's parts: per key its text (UTF-16 code units, so every .NET string round-trips,
/// lone surrogates included), the key object when it is not that text (Orleans-serialized), the state image (or a
/// removal) and its timers. Items are cut into parts of about <see cref="TargetPartBytes"/>, so no storage object
/// grows without bound and parts can be written and read concurrently.
/// </summary>
internal sealed class SegmentCodec(Serializer serializer)
{
    /// <summary>The size a part is cut at (the item that crosses it ends the part).</summary>
    public const int TargetPartBytes = 8 << 20;

    private const byte Version = 1;
    private const byte KeyIsText = 0;
    private const byte KeyIsObject = 1;

    /// <summary>Encodes <paramref name="items"/> into parts, in order.</summary>
    public List<byte[]> Encode(IReadOnlyList<SegmentItem> items, int targetPartBytes = TargetPartBytes)
    {
        var parts = new List<byte[]>();
        var buffer = new ArrayBufferWriter<byte>(Math.Min(targetPartBytes, 1 << 20));
        var count = 0;
        var countAt = Begin(buffer);
        foreach (var item in items)
        {
            Write(buffer, item);
            count++;
            if (buffer.WrittenCount >= targetPartBytes)
            {
                parts.Add(Finish(buffer, countAt, count));
                buffer.ResetWrittenCount();
                count = 0;
                countAt = Begin(buffer);
            }
        }

        if (count > 0 || parts.Count == 0)
        {
            parts.Add(Finish(buffer, countAt, count));
        }

        return parts;
    }

    /// <summary>Decodes one part.</summary>
    /// <exception cref="InvalidDataException">The part is not in this format.</exception>
    public List<SegmentItem> Decode(ReadOnlySpan<byte> part)
    {
        var reader = new SpanReader(part);
        var version = reader.Byte();
        if (version != Version)
        {
            throw new InvalidDataException($"snapshot segment part of version {version}; this build reads version {Version}");
        }

        var count = reader.Int32();
        var items = new List<SegmentItem>(count);
        for (var i = 0; i < count; i++)
        {
            var keyText = reader.Text();
            var key = reader.Byte() == KeyIsText
                ? keyText
                : serializer.Deserialize<object>(reader.Bytes(reader.Int32()).ToArray()) ?? throw new InvalidDataException($"snapshot segment part holds a null key for '{keyText}'");
            var imageLength = reader.Int32();
            var image = imageLength < 0 ? null : reader.Bytes(imageLength).ToArray();
            var eventTimers = reader.Longs();
            var processingTimers = reader.Longs();
            items.Add(new SegmentItem(keyText, key, image is null ? null : new KeySnapshot(image, eventTimers, processingTimers)));
        }

        return items;
    }

    private static int Begin(ArrayBufferWriter<byte> buffer)
    {
        buffer.GetSpan(1)[0] = Version;
        buffer.Advance(1);
        var at = buffer.WrittenCount;
        buffer.Advance(sizeof(int)); // the item count, written when the part is finished
        return at;
    }

    private static byte[] Finish(ArrayBufferWriter<byte> buffer, int countAt, int count)
    {
        var bytes = buffer.WrittenSpan.ToArray();
        BitConverter.TryWriteBytes(bytes.AsSpan(countAt), count);
        return bytes;
    }

    private void Write(ArrayBufferWriter<byte> buffer, SegmentItem item)
    {
        WriteText(buffer, item.KeyText);
        if (item.Key is string text && string.Equals(text, item.KeyText, StringComparison.Ordinal))
        {
            WriteByte(buffer, KeyIsText);
        }
        else
        {
            WriteByte(buffer, KeyIsObject);
            WriteBytes(buffer, serializer.SerializeToArray<object>(item.Key));
        }

        if (item.Snapshot?.Image is not { } image)
        {
            WriteInt32(buffer, -1);
            WriteLongs(buffer, []);
            WriteLongs(buffer, []);
            return;
        }

        WriteBytes(buffer, image);
        WriteLongs(buffer, item.Snapshot.EventTimers);
        WriteLongs(buffer, item.Snapshot.ProcessingTimers);
    }

    private static void WriteByte(ArrayBufferWriter<byte> buffer, byte value)
    {
        buffer.GetSpan(1)[0] = value;
        buffer.Advance(1);
    }

    private static void WriteInt32(ArrayBufferWriter<byte> buffer, int value)
    {
        BitConverter.TryWriteBytes(buffer.GetSpan(sizeof(int)), value);
        buffer.Advance(sizeof(int));
    }

    private static void WriteBytes(ArrayBufferWriter<byte> buffer, ReadOnlySpan<byte> bytes)
    {
        WriteInt32(buffer, bytes.Length);
        bytes.CopyTo(buffer.GetSpan(bytes.Length));
        buffer.Advance(bytes.Length);
    }

    private static void WriteText(ArrayBufferWriter<byte> buffer, string text) => WriteBytes(buffer, MemoryMarshal.AsBytes(text.AsSpan()));

    private static void WriteLongs(ArrayBufferWriter<byte> buffer, long[] values) => WriteBytes(buffer, MemoryMarshal.AsBytes(values.AsSpan()));

    /// <summary>Reads what the writer wrote, checking every length against what is left.</summary>
    private ref struct SpanReader(ReadOnlySpan<byte> data)
    {
        private ReadOnlySpan<byte> _rest = data;

        public byte Byte()
        {
            var value = Bytes(1)[0];
            return value;
        }

        public int Int32() => BitConverter.ToInt32(Bytes(sizeof(int)));

        public ReadOnlySpan<byte> Bytes(int length)
        {
            if (length < 0 || length > _rest.Length)
            {
                throw new InvalidDataException($"snapshot segment part is truncated or corrupt (wanted {length} bytes, {_rest.Length} left)");
            }

            var bytes = _rest[..length];
            _rest = _rest[length..];
            return bytes;
        }

        public string Text()
        {
            var bytes = Bytes(Int32());
            return bytes.Length % 2 != 0
                ? throw new InvalidDataException("snapshot segment part holds a key of an odd number of bytes")
                : new string(MemoryMarshal.Cast<byte, char>(bytes));
        }

        public long[] Longs()
        {
            var bytes = Bytes(Int32());
            if (bytes.Length % sizeof(long) != 0)
            {
                throw new InvalidDataException("snapshot segment part holds timers of a length that is not a whole number of longs");
            }

            return bytes.Length == 0 ? [] : MemoryMarshal.Cast<byte, long>(bytes).ToArray();
        }
    }
}
