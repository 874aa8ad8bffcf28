using System.Globalization;
using OrleansFlow.Examples;
using OrleansFlow.Sinks;
using OrleansFlow.Tests.Fixtures;
using static OrleansFlow.Tests.Unit.Sinks.TextFileSinkTesting;

namespace OrleansFlow.Tests.Unit.Sinks;

/// <summary>How the text sink turns records into lines when no format function is given.</summary>
[Trait("Category", "Unit")]
public sealed class TextFileSinkFormattingTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Write_WhenTheRecordIsSpanFormattable_WritesItsFormattedText(bool exactlyOnce)
    {
        var file = _dir.File("out.txt");
        var longKey = new string('k', 300); // longer than the writer's first buffer
        await using (var writer = new TextFileSink<WindowSum>(file).CreateWriter(Context(exactlyOnce)))
        {
            writer.Write(new WindowSum("w1", -10_000, 0, -5));
            writer.Write(WindowSum.Global("w2", 42));
            writer.Write(new WindowSum(longKey, 1_700_000_000_000, 1_700_000_010_000, long.MaxValue));
            await writer.FinishAsync(None);
            await writer.CommitAsync(long.MaxValue, None);
        }

        Assert.Equal(
            ["w1,-10000,0,-5", "w2,,,42", $"{longKey},1700000000000,1700000010000,9223372036854775807"],
            ReadLines(file));
    }

    [Fact]
    public async Task Write_WhenAFormatIsGiven_UsesItEvenForSpanFormattableRecords()
    {
        var file = _dir.File("out.txt");
        await using (var writer = new TextFileSink<WindowSum>(file, s => s.Key).CreateWriter(Context(exactlyOnce: false)))
        {
            writer.Write(new WindowSum("w1", 0, 10, 1));
            await writer.FinishAsync(None);
        }

        Assert.Equal(["w1"], ReadLines(file));
    }

    [Fact]
    public async Task Write_WhenTheRecordIsNotSpanFormattable_WritesItsToString()
    {
        var file = _dir.File("out.txt");
        await using (var writer = new TextFileSink<string?>(file).CreateWriter(Context(exactlyOnce: false)))
        {
            writer.Write("a,b");
            writer.Write(null);
            await writer.FinishAsync(None);
        }

        Assert.Equal(["a,b", "null"], ReadLines(file));
    }

    [Fact]
    public void WindowSum_ToString_IsItsLine()
    {
        Assert.Equal("w1,0,10000,7", new WindowSum("w1", 0, 10_000, 7).ToString());
        Assert.Equal("w1,,,7", WindowSum.Global("w1", 7).ToString());
        Assert.Equal("w1,0,10000,7", string.Create(CultureInfo.InvariantCulture, $"{new WindowSum("w1", 0, 10_000, 7)}"));
    }
}
