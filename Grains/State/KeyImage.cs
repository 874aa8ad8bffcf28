using System.Buffers;
using System.Buffers.Binary;
using Orleans.Serialization;
using OrleansFlow.Execution;

namespace OrleansFlow.State;

/// <summary>
/// The serialized form of one key's state, as per-key grains hand it to their subtask and snapshot segments store it:
/// a header with the key's timers (so a subtask rebuilds its timer index from a checkpoint without deserializing any
/// state) followed by the named states (a <see cref="KeyStateImage"/>, Orleans-serialized). A key with neither state
/// nor timers has the empty image <see cref="Empty"/>.
/// </summary>
internal static class KeyImage
{
    private const byte Version = 1;
    private const int HeaderSize = 1 + sizeof(long) + (2 * sizeof(int));

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_payload;

    [ThreadStatic]
    private static KeyStateImage? t_image;

    /// <summary>The image of a key that has neither state nor timers.</summary>
    public static byte[] Empty { get; } = [];

    /// <summary>The image of a key's state and timers (the store's values are serialized now: the copy stays as it is).</summary>
    public static byte[] Write(Serializer serializer, KeyedStateStore store, KeyTimers timers)
    {
        ArgumentNullException.ThrowIfNull(serializer);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(timers);
        if (store.IsEmpty && timers.Count == 0)
        {
            return Empty;
        }

        var payload = t_payload ??= new ArrayBufferWriter<byte>(256);
        payload.ResetWrittenCount();
        var image = t_image ??= new KeyStateImage();
        store.ExportTo(image);
        serializer.Serialize(image, payload);

        // Drop the references to the key's state but keep the arrays: the next key with as many states reuses them.
        Array.Clear(image.Names);
        Array.Clear(image.Values);

        var eventTimers = timers.Times(Keyed.TimeDomain.EventTime);
        var processingTimers = timers.Times(Keyed.TimeDomain.ProcessingTime);
        var bytes = new byte[HeaderSize + ((eventTimers.Length + processingTimers.Length) * sizeof(long)) + payload.WrittenCount];
        var span = bytes.AsSpan();
        span[0] = Version;
        BinaryPrimitives.WriteInt64LittleEndian(span[1..], timers.Watermark);
        var at = WriteTimes(span, 1 + sizeof(long), eventTimers);
        at = WriteTimes(span, at, processingTimers);
        payload.WrittenSpan.CopyTo(span[at..]);
        return bytes;
    }

    /// <summary>Puts a key's state back from its image: a new store, and <paramref name="timers"/> filled in.</summary>
    /// <exception cref="InvalidDataException">The image is not in this format.</exception>
    public static KeyedStateStore Read(Serializer serializer, byte[] image, KeyTimers timers)
    {
        ArgumentNullException.ThrowIfNull(serializer);
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(timers);
        if (image.Length == 0)
        {
            return new KeyedStateStore();
        }

        var (eventTimers, processingTimers, payloadStart) = Header(image);
        timers.Import(eventTimers, processingTimers, BinaryPrimitives.ReadInt64LittleEndian(image.AsSpan(1)));
        return KeyedStateStore.Import(serializer.Deserialize<KeyStateImage>(image.AsSpan(payloadStart)) ?? new KeyStateImage());
    }

    /// <summary>The key's pending event-time and processing-time timers, read from the image's header alone.</summary>
    /// <exception cref="InvalidDataException">The image is not in this format.</exception>
    public static (long[] EventTimers, long[] ProcessingTimers) Timers(byte[] image)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.Length == 0)
        {
            return ([], []);
        }

        var (eventTimers, processingTimers, _) = Header(image);
        return (eventTimers, processingTimers);
    }

    private static int WriteTimes(Span<byte> span, int at, long[] times)
    {
        BinaryPrimitives.WriteInt32LittleEndian(span[at..], times.Length);
        at += sizeof(int);
        foreach (var time in times)
        {
            BinaryPrimitives.WriteInt64LittleEndian(span[at..], time);
            at += sizeof(long);
        }

        return at;
    }

    private static (long[] EventTimers, long[] ProcessingTimers, int PayloadStart) Header(byte[] image)
    {
        if (image.Length < HeaderSize || image[0] != Version)
        {
            throw new InvalidDataException($"a key's state image of {image.Length} bytes is not of version {Version}");
        }

        var at = 1 + sizeof(long);
        var eventTimers = ReadTimes(image, ref at);
        var processingTimers = ReadTimes(image, ref at);
        return (eventTimers, processingTimers, at);
    }

    private static long[] ReadTimes(byte[] image, ref int at)
    {
        var count = BinaryPrimitives.ReadInt32LittleEndian(image.AsSpan(at));
        at += sizeof(int);
        if (count < 0 || at + ((long)count * sizeof(long)) > image.Length)
        {
            throw new InvalidDataException("a key's state image is truncated or corrupt");
        }

        var times = count == 0 ? [] : new long[count];
        for (var i = 0; i < count; i++, at += sizeof(long))
        {
            times[i] = BinaryPrimitives.ReadInt64LittleEndian(image.AsSpan(at));
        }

        return times;
    }
}
