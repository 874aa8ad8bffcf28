using System.Runtime.InteropServices;
using Orleans.Serialization;

namespace OrleansFlow.Checkpointing.Segments;

/// <summary>
/// The binary form of a snapshot segment's parts: per key its text (UTF-16 code units, so every .NET string round-trips,
/// lone surrogates included), the key object when it is not that text (Orleans-serialized), and its key image (timers
/// and state) or a removal. Items are cut into parts of about <see cref="TargetPartBytes"/>, so no storage object
/// grows without bound and parts can be written and read concurrently.
/// </summary>
internal sealed class SegmentCodec(Serializer serializer)
{
    /// <summary>The size a part is cut at (the item that crosses it ends the part).</summary>
    public const int TargetPartBytes = 8 << 20;

    private const byte Version = 2;
    private const byte KeyIsText = 0;
    private const byte KeyIsObject = 1;

    /// <summary>Encodes <paramref name="items"/> into parts, in order; each part is one array of exactly its size.</summary>
    public List<byte[]> Encode(IReadOnlyList<SegmentItem> items, int targetPartBytes = TargetPartBytes)
    {
        var keys = new byte[]?[items.Count];
        var sizes = new int[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            keys[i] = KeyIsItsText(items[i]) ? null : serializer.SerializeToArray<object>(items[i].Key);
            sizes[i] = SizeOf(items[i], keys[i]);
        }

        var parts = new List<byte[]>();
        var first = 0;
        while (first < items.Count || parts.Count == 0)
        {
            var end = first;
            var size = HeaderSize;
            while (end < items.Count && (end == first || size + sizes[end] <= targetPartBytes))
            {
                size += sizes[end++];
            }

            var part = new byte[size];
            var writer = new SpanWriter(part);
            writer.Byte(Version);
            writer.Int32(end - first);
            for (var i = first; i < end; i++)
            {
                Write(ref writer, items[i], keys[i]);
            }

            parts.Add(part);
            first = end;
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
            items.Add(new SegmentItem(keyText, key, imageLength < 0 ? null : reader.Bytes(imageLength).ToArray()));
        }

        return items;
    }

    private const int HeaderSize = 1 + sizeof(int);

    private static bool KeyIsItsText(SegmentItem item) => item.Key is string text && string.Equals(text, item.KeyText, StringComparison.Ordinal);

    private static int SizeOf(SegmentItem item, byte[]? key)
    {
        return sizeof(int) + (item.KeyText.Length * sizeof(char)) + 1 + (key is null ? 0 : sizeof(int) + key.Length)
            + sizeof(int) + (item.IsRemoval ? 0 : item.Image!.Length);
    }

    private static void Write(ref SpanWriter writer, SegmentItem item, byte[]? key)
    {
        writer.Bytes(MemoryMarshal.AsBytes(item.KeyText.AsSpan()));
        if (key is null)
        {
            writer.Byte(KeyIsText);
        }
        else
        {
            writer.Byte(KeyIsObject);
            writer.Bytes(key);
        }

        if (item.IsRemoval)
        {
            writer.Int32(-1);
            return;
        }

        writer.Bytes(item.Image);
    }

    /// <summary>Writes into a part sized exactly for its items.</summary>
    private ref struct SpanWriter(Span<byte> data)
    {
        private Span<byte> _rest = data;

        public void Byte(byte value)
        {
            _rest[0] = value;
            _rest = _rest[1..];
        }

        public void Int32(int value)
        {
            BitConverter.TryWriteBytes(_rest, value);
            _rest = _rest[sizeof(int)..];
        }

        /// <summary>A length, then the bytes.</summary>
        public void Bytes(ReadOnlySpan<byte> bytes)
        {
            Int32(bytes.Length);
            bytes.CopyTo(_rest);
            _rest = _rest[bytes.Length..];
        }
    }

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
    }
}
