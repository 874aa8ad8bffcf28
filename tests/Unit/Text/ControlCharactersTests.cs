using System.Globalization;
using System.Text;
using OrleansFlow.Sources;
using OrleansFlow.Tests.Fixtures;
using OrleansFlow.Tests.Unit.Sources;
using OrleansFlow.Text;

namespace OrleansFlow.Tests.Unit.Text;

/// <summary>
/// Control characters from input never reach an error message raw: C0 controls but tab, DEL and C1 controls are
/// written as <c>\xHH</c> (issue 13, item 6), so a message stays one line and a terminal shows what the input held.
/// </summary>
[Trait("Category", "Unit")]
public sealed class ControlCharactersTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("a\u001b[31mb", "a\\x1b[31mb")]
    [InlineData("bell\u0007", "bell\\x07")]
    [InlineData("\0nul", "\\x00nul")]
    [InlineData("two\nlines\r", "two\\x0alines\\x0d")]
    [InlineData("del\u007f c1\u0085\u009b", "del\\x7f c1\\x85\\x9b")]
    public void Escape_WhenTextHoldsControlCharacters_WritesThemAsHexEscapes(string text, string expected)
    {
        Assert.Equal(expected, ControlCharacters.Escape(text));
    }

    [Theory]
    [InlineData("tab\tstays")]
    [InlineData("printable: ÿ é ü € \\x1b")]
    [InlineData("")]
    public void Escape_WhenTextHasNoControlCharacterButTab_ReturnsItUnchanged(string text)
    {
        Assert.Same(text, ControlCharacters.Escape(text));
    }

    [Fact]
    public void Escape_WhenAppliedTwice_ChangesNothingMore()
    {
        var once = ControlCharacters.Escape("x\u001by\0");

        Assert.Equal(once, ControlCharacters.Escape(once));
    }

    [Fact]
    public void Quote_WhenTextIsLonger_ShortensBeforeEscaping()
    {
        Assert.Equal("\\x1b\\x1bab...", ControlCharacters.Quote("\u001b\u001babcdef", 4));
        Assert.Equal("\\x07", ControlCharacters.Quote("\u0007", 4));
    }

    [Fact]
    public async Task TextLineSource_WhenABadLineHoldsControlBytes_QuotesThemEscapedInOneLine()
    {
        var path = _dir.File("control.txt");
        File.WriteAllBytes(path, Encoding.UTF8.GetBytes("1\n2\u001b[2J\u0007\0\n3\n"));
        var source = new TextLineSource<int>(path, line => int.Parse(line, CultureInfo.InvariantCulture));

        var error = await Assert.ThrowsAsync<BadRecordException>(() => GeneratorSourceTests.ReadAllAsync(source, 0, 1));

        Assert.Contains("line 2", error.Message, StringComparison.Ordinal);
        Assert.Contains("2\\x1b[2J\\x07\\x00", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(error.Message, ControlCharacters.IsEscaped);
    }
}
