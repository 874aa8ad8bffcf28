using System.Globalization;
using System.Text;
using OrleansFlow.Sources;
using OrleansFlow.Tests.Fixtures;

namespace OrleansFlow.Tests.Unit.Sources;

[Trait("Category", "Unit")]
public sealed class TextLineSourceTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(16)]
    public async Task ReadBatchAsync_WhenSplitOverSubtasks_ReadsEveryLineExactlyOnce(int parallelism)
    {
        var (path, lines) = WriteMixedFile();
        var source = new TextLineSource<string>(path, line => line);

        // Subtasks read consecutive byte ranges, so their outputs in subtask order are the file's lines in order.
        var all = new List<string>();
        for (var subtask = 0; subtask < parallelism; subtask++)
        {
            all.AddRange(await ReadAllAsync(source, subtask, parallelism));
        }

        Assert.Equal(lines, all);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public async Task ReadBatchAsync_WhenFileHasFewerBytesThanSubtasks_StillReadsEveryLineOnce(int parallelism)
    {
        var path = _dir.File("tiny.txt");
        File.WriteAllBytes(path, Encoding.UTF8.GetBytes("a\n\nb"));
        var source = new TextLineSource<string>(path, line => line);

        var all = new List<string>();
        for (var subtask = 0; subtask < parallelism; subtask++)
        {
            all.AddRange(await ReadAllAsync(source, subtask, parallelism));
        }

        Assert.Equal(["a", "", "b"], all);
    }

    [Fact]
    public async Task ReadBatchAsync_WhenFileEndsWithNewline_ReadsNoExtraEmptyLine()
    {
        var path = _dir.File("trailing.txt");
        File.WriteAllBytes(path, Encoding.UTF8.GetBytes("one\r\ntwo\n\n"));

        var lines = await ReadAllAsync(new TextLineSource<string>(path, line => line), 0, 1);

        Assert.Equal(["one", "two", ""], lines);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task ReadBatchAsync_WhenFileStartsWithAByteOrderMark_LeavesItOutOfTheFirstLine(int parallelism)
    {
        var path = _dir.File("bom.txt");
        await File.WriteAllTextAsync(path, "1,a\n2,b\n3,c\n", new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        var source = new TextLineSource<string>(path, line => line);

        var all = new List<string>();
        for (var subtask = 0; subtask < parallelism; subtask++)
        {
            all.AddRange(await ReadAllAsync(source, subtask, parallelism));
        }

        Assert.Equal(["1,a", "2,b", "3,c"], all);
    }

    [Fact]
    public async Task ReadBatchAsync_WhenFileIsEmpty_ReturnsFalseWithNoRecords()
    {
        var path = _dir.File("empty.txt");
        File.WriteAllBytes(path, []);
        using var reader = new TextLineSource<string>(path, line => line).CreateReader(new SourceReaderContext(0, 1, null));
        var output = new List<string>();

        Assert.False(await reader.ReadBatchAsync(output, 10, CancellationToken.None));
        Assert.Empty(output);
    }

    [Fact]
    public async Task ReadBatchAsync_WhenLastBatchReachesTheEnd_ReturnsFalseAndKeepsItsRecords()
    {
        var path = _dir.File("three.txt");
        File.WriteAllBytes(path, Encoding.UTF8.GetBytes("1\n2\n3\n"));
        using var reader = new TextLineSource<string>(path, line => line).CreateReader(new SourceReaderContext(0, 1, null));
        var output = new List<string>();

        Assert.True(await reader.ReadBatchAsync(output, 2, CancellationToken.None));
        Assert.False(await reader.ReadBatchAsync(output, 2, CancellationToken.None));
        Assert.Equal(["1", "2", "3"], output);
        Assert.Equal(new FileInfo(path).Length, reader.Position);
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(3, 0)]
    [InlineData(3, 1)]
    [InlineData(3, 2)]
    public async Task CreateReader_WhenResumedFromAReportedPosition_ContinuesWithTheNextLine(int parallelism, int subtask)
    {
        var (path, _) = WriteMixedFile();
        var source = new TextLineSource<string>(path, line => line);
        var expected = await ReadAllAsync(source, subtask, parallelism);
        var firstPart = new List<string>();
        long position;
        using (var reader = source.CreateReader(new SourceReaderContext(subtask, parallelism, null)))
        {
            Assert.True(await reader.ReadBatchAsync(firstPart, 7, CancellationToken.None));
            Assert.True(await reader.ReadBatchAsync(firstPart, 7, CancellationToken.None));
            position = reader.Position;
        }

        var rest = await ReadAllAsync(source, subtask, parallelism, position);

        Assert.Equal(expected[firstPart.Count], rest[0]);
        Assert.Equal(expected, firstPart.Concat(rest));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task ReadBatchAsync_WhenParseThrows_ThrowsBadRecordExceptionWithPathAndLineNumber(int parallelism)
    {
        var path = WriteFileWithBadLine();
        var source = new TextLineSource<int>(path, ParseNumber);

        var errors = new List<BadRecordException>();
        for (var subtask = 0; subtask < parallelism; subtask++)
        {
            try
            {
                await ReadAllAsync(source, subtask, parallelism);
            }
            catch (BadRecordException e)
            {
                errors.Add(e);
            }
        }

        var error = Assert.Single(errors);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("line 6", error.Message, StringComparison.Ordinal);
        Assert.Contains("oops", error.Message, StringComparison.Ordinal);
        Assert.IsType<FormatException>(error.InnerException);
    }

    [Fact]
    public async Task ReadBatchAsync_WhenPolicyWritesBadRecordsToAFile_WritesTheLineAndEmitsTheGoodOnes()
    {
        var path = WriteFileWithBadLine();
        var errorFile = _dir.File("errors.txt");
        var source = new TextLineSource<int>(path, ParseNumber, BadRecordPolicy.WriteTo(errorFile));

        var records = await ReadAllAsync(source, 0, 1);

        Assert.Equal([1, 2, 3, 4, 5, 7], records);
        var written = File.ReadAllText(errorFile);
        Assert.Contains("line 6", written, StringComparison.Ordinal);
        Assert.Contains("oops", written, StringComparison.Ordinal);
        Assert.Contains(path, written, StringComparison.Ordinal);
        Assert.Single(written.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task DescribeRecord_WhenBatchWasRead_NamesFileAndLineOfEachRecord()
    {
        var path = _dir.File("describe.txt");
        File.WriteAllBytes(path, Encoding.UTF8.GetBytes("a\r\nb\n\nc\n"));
        using var reader = new TextLineSource<string>(path, line => line).CreateReader(new SourceReaderContext(0, 1, null));
        var output = new List<string>();
        await reader.ReadBatchAsync(output, 2, CancellationToken.None);
        await reader.ReadBatchAsync(output, 2, CancellationToken.None);

        Assert.Equal($"{path} line 3", reader.DescribeRecord(0));
        Assert.Equal($"{path} line 4", reader.DescribeRecord(1));
    }

    [Fact]
    public void CreateReader_WhenFileIsMissing_ThrowsIOExceptionNamingTheFile()
    {
        var path = _dir.File("missing.txt");

        var error = Assert.Throws<IOException>(() => new TextLineSource<string>(path, line => line).CreateReader(new SourceReaderContext(0, 1, null)));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    private static int ParseNumber(string line) =>
        line.StartsWith('#') ? throw new FormatException("oops: not a number") : int.Parse(line.Split(' ')[0], CultureInfo.InvariantCulture);

    private static async Task<List<T>> ReadAllAsync<T>(ISource<T> source, int subtask, int parallelism, long? start = null)
    {
        using var reader = source.CreateReader(new SourceReaderContext(subtask, parallelism, start));
        var output = new List<T>();
        var guard = 0;
        while (await reader.ReadBatchAsync(output, 7, CancellationToken.None))
        {
            Assert.True(++guard < 100_000, "The reader never reported the end of its input.");
        }

        return output;
    }

    /// <summary>A file of empty, CRLF, multi-byte UTF-8 and plain lines; the last one has no newline.</summary>
    private (string Path, List<string> Lines) WriteMixedFile()
    {
        var lines = new List<string>();
        var text = new StringBuilder();
        for (var i = 0; i < 300; i++)
        {
            var line = (i % 7, i % 5) switch
            {
                (0, _) => string.Empty,
                (_, 1) => $"ünïcødé {i} 日本語 🎉",
                (_, 2) => new string('€', i % 11),
                _ => $"line {i} " + new string('x', i % 13),
            };
            lines.Add(line);
            text.Append(line);
            if (i < 299)
            {
                text.Append(i % 3 == 0 ? "\r\n" : "\n");
            }
        }

        var path = _dir.File("mixed.txt");
        File.WriteAllBytes(path, Encoding.UTF8.GetBytes(text.ToString()));
        return (path, lines);
    }

    /// <summary>Line 6 is rejected by <see cref="ParseNumber"/>; multi-byte text and CRLF come before it.</summary>
    private string WriteFileWithBadLine()
    {
        var path = _dir.File("numbers.txt");
        File.WriteAllBytes(path, Encoding.UTF8.GetBytes("1 ünï\r\n2 日本\n3 🎉\r\n4\n5\n#bad\n7"));
        return path;
    }
}
