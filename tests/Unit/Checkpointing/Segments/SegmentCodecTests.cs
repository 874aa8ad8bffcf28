using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using OrleansFlow.Checkpointing.Segments;

namespace OrleansFlow.Tests.Unit.Checkpointing.Segments;

[Trait("Category", "Unit")]
public sealed class SegmentCodecTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddSerializer().BuildServiceProvider();

    private SegmentCodec Codec => new(_services.GetRequiredService<Serializer>());

    public void Dispose() => _services.Dispose();

    /// <summary>A 116-byte image whose first byte tells the items apart.</summary>
    private static byte[] Image(int i)
    {
        var image = new byte[116];
        image[0] = (byte)i;
        return image;
    }

    [Fact]
    public void Decode_OfEncodedItems_GivesBackKeysImagesAndRemovalsInOrder()
    {
        SegmentItem[] items =
        [
            new("a", "a", [1, 2, 3]),
            new("7", 7, [4]),
            new("(x, 1)", ("x", 1), [5, 6]),
            new("gone", "gone", null),
        ];

        var parts = Codec.Encode(items);
        var decoded = parts.SelectMany(p => Codec.Decode(p)).ToList();

        Assert.Single(parts);
        Assert.Equal(["a", "7", "(x, 1)", "gone"], decoded.Select(i => i.KeyText));
        Assert.Equal(["a", 7, ("x", 1), "gone"], decoded.Select(i => i.Key));
        Assert.Equal([1, 2, 3], decoded[0].Image!);
        Assert.Equal([4], decoded[1].Image!);
        Assert.Equal([5, 6], decoded[2].Image!);
        Assert.True(decoded[3].IsRemoval);
    }

    [Fact]
    public void Decode_OfAKeyWithLoneSurrogatesAndNul_GivesBackTheSameString()
    {
        // UTF-8 would turn both lone surrogates into U+FFFD and merge the two keys; the codec keeps UTF-16 code units.
        string[] keys = ["k\uD800", "k\uDC00", "nul\0key"];

        var decoded = Codec.Decode(Assert.Single(Codec.Encode([.. keys.Select(k => new SegmentItem(k, k, [1]))])));

        Assert.Equal(keys, decoded.Select(i => i.KeyText));
        Assert.Equal(keys, decoded.Select(i => (string)i.Key));
    }

    [Fact]
    public void Encode_WhenItemsExceedThePartSize_CutsPartsAtItemBoundariesAndKeepsEveryItem()
    {
        var items = Enumerable.Range(0, 100).Select(i => new SegmentItem($"k{i}", $"k{i}", Image(i))).ToArray();

        var parts = Codec.Encode(items, targetPartBytes: 1_000);
        var decoded = parts.SelectMany(p => Codec.Decode(p)).ToList();

        // Each item takes 4 (text length) + 4-6 (text) + 1 (key kind) + 4 (image length) + 116 (image) = 129-131 bytes;
        // after the 5-byte header a 1,000-byte part holds 7 of them: 15 parts for 100 items.
        Assert.Equal(15, parts.Count);
        Assert.All(parts.SkipLast(1), p => Assert.InRange(p.Length, 900, 1_000));
        Assert.Equal(items.Select(i => i.KeyText), decoded.Select(i => i.KeyText));
        Assert.Equal(Enumerable.Range(0, 100).Select(i => (byte)i), decoded.Select(i => i.Image![0]));
    }

    [Fact]
    public void Encode_OfNoItems_GivesOneEmptyPart()
    {
        var parts = Codec.Encode([]);

        Assert.Empty(Codec.Decode(Assert.Single(parts)));
    }

    [Fact]
    public void Decode_OfATruncatedPart_FailsNamingTheCorruption()
    {
        var part = Assert.Single(Codec.Encode([new SegmentItem("a", "a", [1, 2, 3])]));

        var error = Assert.Throws<InvalidDataException>(() => Codec.Decode(part.AsSpan(0, part.Length - 5)));

        Assert.Contains("truncated or corrupt", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_OfAnotherVersion_FailsNamingBothVersions()
    {
        var part = Assert.Single(Codec.Encode([]));
        part[0] = 9;

        var error = Assert.Throws<InvalidDataException>(() => Codec.Decode(part));

        Assert.Contains("version 9", error.Message, StringComparison.Ordinal);
    }
}
