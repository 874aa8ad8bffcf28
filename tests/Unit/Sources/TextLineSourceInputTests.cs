using System.Text;
using OrleansFlow.Sources;
using OrleansFlow.Tests.Fixtures;

namespace OrleansFlow.Tests.Unit.Sources;

/// <summary>
/// Issue 13, the text source's input: invalid UTF-8 is a bad record (never decoded to U+FFFD, which merged keys
/// that differ only in their invalid bytes), and a file that changes under the reader fails it with one message
/// naming the file, the position and the change (never a silent early end or a wrong line number).
/// </summary>
[Trait("Category", "Unit")]
public sealed class TextLineSourceInputTests : IDisposable
{
    private static readonly byte[] ThreeInvalidKeys = [.. "1000,k"u8, 0xFF, .. ",1\n1000,k"u8, 0xFE, .. ",1\n1000,k"u8, 0xC3, .. ",1\n"u8];
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task ReadBatchAsync_WhenALineIsNotValidUtf8_FailsWithItsLineNumberAndTheInvalidByte()
    {
        var path = _dir.File("events.csv");
        await File.WriteAllBytesAsync(path, [.. "999,a,1\n"u8, .. ThreeInvalidKeys]);
        using var reader = new TextLineSource<string>(path, line => line).CreateReader(new SourceReaderContext(0, 1, null));

        var error = await Assert.ThrowsAsync<BadRecordException>(() => reader.ReadBatchAsync([], 100, CancellationToken.None).AsTask());

        Assert.Equal($"Bad record at {path} line 2: invalid UTF-8 (byte 0xFF at byte 7 of the line) (line: \"1000,k\\xFF,1\")", error.Message);
    }

    [Fact]
    public async Task ReadBatchAsync_WhenInvalidLinesGoToTheErrorFile_WritesEachEscapedAndDistinctAndEmitsTheValidOnes()
    {
        var path = _dir.File("events.csv");
        var errors = _dir.File("errors.txt");
        await File.WriteAllBytesAsync(path, [.. ThreeInvalidKeys, .. "1001,k\\x,2\n1002,k,3\n"u8, 0x80]);
        using var reader = new TextLineSource<string>(path, line => line, BadRecordPolicy.WriteTo(errors)).CreateReader(new SourceReaderContext(0, 1, null));
        var output = new List<string>();

        while (await reader.ReadBatchAsync(output, 100, CancellationToken.None))
        {
        }

        Assert.Equal(["1001,k\\x,2", "1002,k,3"], output);
        Assert.Equal(
            [
                $"{path} line 1: invalid UTF-8 (byte 0xFF at byte 7 of the line): 1000,k\\xFF,1",
                $"{path} line 2: invalid UTF-8 (byte 0xFE at byte 7 of the line): 1000,k\\xFE,1",
                $"{path} line 3: invalid UTF-8 (byte 0xC3 at byte 7 of the line): 1000,k\\xC3,1",
                $"{path} line 6: invalid UTF-8 (byte 0x80 at byte 1 of the line): \\x80",
            ],
            await File.ReadAllLinesAsync(errors));
    }

    [Fact]
    public void Escape_WhenTheLineHasBackslashesAndInvalidBytes_KeepsEveryByteRecoverable() =>
        Assert.Equal("a\\\\xFF\\xFFé", InvalidUtf8.Escape([.. "a\\xFF"u8, 0xFF, .. "é"u8]));

    [Fact]
    public async Task ReadBatchAsync_WhenTheFileIsTruncatedBelowWhatWasRead_Fails()
    {
        var path = await WriteLinesAsync("words.txt", 1_000);
        using var reader = new TextLineSource<string>(path, line => line).CreateReader(new SourceReaderContext(0, 1, null));
        await reader.ReadBatchAsync([], 10, CancellationToken.None); // the whole file is in the reader's buffer now
        var length = new FileInfo(path).Length;
        Truncate(path, length / 2);

        var error = await Assert.ThrowsAsync<InputFileChangedException>(() => reader.ReadBatchAsync([], 10, CancellationToken.None).AsTask());

        Assert.Equal($"input file '{path}' is now {length / 2} bytes, shorter than the {length} bytes already read: it was truncated while the job read it", error.Message);
    }

    [Fact]
    public async Task ReadBatchAsync_WhenTheFileIsTruncatedAheadOfTheReader_FailsAtTheNewEndInsteadOfEndingEarly()
    {
        // Larger than the reader's 1 MiB buffer, so the truncation lies ahead of what it has read.
        var path = await WriteLinesAsync("big.txt", 200_000);
        var length = new FileInfo(path).Length;
        using var reader = new TextLineSource<string>(path, line => line).CreateReader(new SourceReaderContext(0, 1, null));
        var output = new List<string>();
        await reader.ReadBatchAsync(output, 10, CancellationToken.None);
        Truncate(path, 1_500_000);

        var error = await Assert.ThrowsAsync<InputFileChangedException>(async () =>
        {
            while (await reader.ReadBatchAsync(output, 1_000, CancellationToken.None))
            {
            }
        });

        Assert.Equal($"input file '{path}' ended at byte 1500000, before the {length} bytes it had when the source opened it: it was truncated while the job read it", error.Message);
    }

    [Fact]
    public async Task ReadBatchAsync_WhenTheFileIsReplacedWhileRead_Fails()
    {
        var path = await WriteLinesAsync("words.txt", 100);
        using var reader = new TextLineSource<string>(path, line => line).CreateReader(new SourceReaderContext(0, 1, null));
        await reader.ReadBatchAsync([], 10, CancellationToken.None);
        var replacement = await WriteLinesAsync("new.txt", 100);
        File.Move(replacement, path, overwrite: true);

        var error = await Assert.ThrowsAsync<InputFileChangedException>(() => reader.ReadBatchAsync([], 10, CancellationToken.None).AsTask());

        Assert.StartsWith($"input file '{path}' was replaced by another file while the job read it (at byte ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateReader_WhenResumingPastTheEndOfTheFile_Fails()
    {
        var path = await WriteLinesAsync("words.txt", 10); // "line 0\n" ... "line 9\n": 70 bytes

        var error = Assert.Throws<InputFileChangedException>(() => new TextLineSource<string>(path, line => line).CreateReader(new SourceReaderContext(0, 1, 140)));

        Assert.Equal($"input file '{path}' is 70 bytes, shorter than the position 140 this source resumes from: it was truncated or replaced since the checkpoint", error.Message);
    }

    [Fact]
    public async Task CreateReader_WhenTheResumePositionIsNotALineStart_Fails()
    {
        var path = await WriteLinesAsync("words.txt", 10);

        var error = Assert.Throws<InputFileChangedException>(() => new TextLineSource<string>(path, line => line).CreateReader(new SourceReaderContext(0, 1, 9)));

        Assert.Equal($"input file '{path}' has no line starting at the position 9 this source resumes from: it was changed or replaced since the checkpoint", error.Message);
    }

    [Fact]
    public async Task CreateReader_WhenResumingAtALineStartOrTheEnd_Reads()
    {
        var path = await WriteLinesAsync("words.txt", 10);
        using var middle = new TextLineSource<string>(path, line => line).CreateReader(new SourceReaderContext(0, 1, 63));
        using var end = new TextLineSource<string>(path, line => line).CreateReader(new SourceReaderContext(0, 1, 70));
        var output = new List<string>();

        await middle.ReadBatchAsync(output, 10, CancellationToken.None);
        Assert.False(await end.ReadBatchAsync(output, 10, CancellationToken.None));

        Assert.Equal(["line 9"], output);
    }

    [Fact]
    public async Task DescribeRecord_WhenTheFileShrankAfterTheBatch_StillNamesTheLineRead()
    {
        // Line numbers used to be recounted from the file when asked for: after a truncation they came out too small.
        var path = await WriteLinesAsync("words.txt", 100);
        using var reader = new TextLineSource<string>(path, line => line).CreateReader(new SourceReaderContext(0, 1, null));
        await reader.ReadBatchAsync([], 50, CancellationToken.None);
        await reader.ReadBatchAsync([], 10, CancellationToken.None);
        Truncate(path, 0);

        Assert.Equal($"{path} line 56", reader.DescribeRecord(5));
    }

    private async Task<string> WriteLinesAsync(string name, int count)
    {
        var path = _dir.File(name);
        var text = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            text.Append("line ").Append(i).Append('\n');
        }

        await File.WriteAllTextAsync(path, text.ToString());
        return path;
    }

    private static void Truncate(string path, long length)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
        file.SetLength(length);
    }
}
