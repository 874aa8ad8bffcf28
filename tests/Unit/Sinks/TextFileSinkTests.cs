using OrleansFlow.Sinks;
using OrleansFlow.Tests.Fixtures;
using static OrleansFlow.Tests.Unit.Sinks.TextFileSinkTesting;

namespace OrleansFlow.Tests.Unit.Sinks;

[Trait("Category", "Unit")]
public sealed class TextFileSinkTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task CreateWriter_WhenNotExactlyOnce_WritesStraightToTheFileAndEmptiesItFirst()
    {
        var file = _dir.File("out.txt");
        File.WriteAllText(file, "old content\n");
        await using var writer = new TextFileSink<int>(file, Line).CreateWriter(Context(exactlyOnce: false));

        WriteAll(writer, 0, 3);
        await writer.FlushAsync(None);

        Assert.Equal(Lines(0, 3), ReadLines(file));
        Assert.False(Directory.Exists(PendingDirectory(file)));
    }

    [Fact]
    public async Task PrepareCommitAsync_WhenNotExactlyOnce_MakesTheLinesDurableAndReturnsNoState()
    {
        var file = _dir.File("out.txt");
        await using var writer = new TextFileSink<int>(file, Line).CreateWriter(Context(exactlyOnce: false));
        WriteAll(writer, 0, 2);

        var state = await writer.PrepareCommitAsync(1, None);

        Assert.Empty(state);
        Assert.Equal(Lines(0, 2), ReadLines(file));
    }

    [Fact]
    public async Task CreateWriter_WhenRestoredAtLeastOnce_AppendsAfterTheLastWholeLine()
    {
        var file = _dir.File("out.txt");
        File.WriteAllText(file, "record 0\nrecord 1\nrecord 2\nrec");
        await using var writer = new TextFileSink<int>(file, Line).CreateWriter(Context(exactlyOnce: false, new SinkRestore(1, [])));

        WriteAll(writer, 2, 4);
        await writer.FinishAsync(None);

        // At-least-once: record 2 came after the checkpoint, was written before the crash and is replayed.
        Assert.Equal([.. Lines(0, 3), .. Lines(2, 4)], ReadLines(file));
    }

    [Fact]
    public void CreateWriter_WhenRestoredAtLeastOnceFromExactlyOnceState_FailsLoudly()
    {
        var file = _dir.File("out.txt");
        var sink = new TextFileSink<int>(file, Line);

        var e = Assert.Throws<InvalidOperationException>(() => sink.CreateWriter(Context(exactlyOnce: false, new SinkRestore(3, [1, 2, 3]))));

        Assert.Contains("checkpointing mode", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateWriter_WhenExactlyOnce_ShowsNothingUntilTheCheckpointCommits()
    {
        var file = _dir.File("out.txt");
        File.WriteAllText(file, "from an earlier run\n");
        await using var writer = new TextFileSink<int>(file, Line).CreateWriter(Context(exactlyOnce: true));

        WriteAll(writer, 0, 3);
        await writer.FlushAsync(None);
        await writer.PrepareCommitAsync(1, None);
        WriteAll(writer, 3, 5);
        await writer.FlushAsync(None);
        var beforeCommit = ReadLines(file);
        await writer.CommitAsync(1, None);
        var afterCommit = ReadLines(file);

        Assert.Empty(beforeCommit);
        Assert.Equal(Lines(0, 3), afterCommit);
    }

    [Fact]
    public async Task FinishAsync_WhenExactlyOnce_SealsTheTailWhichTheFinalCommitAppends()
    {
        var file = _dir.File("out.txt");
        await using var writer = new TextFileSink<int>(file, Line).CreateWriter(Context(exactlyOnce: true));
        WriteAll(writer, 0, 2);
        await writer.PrepareCommitAsync(1, None);
        WriteAll(writer, 2, 5);

        await writer.FinishAsync(None);
        var afterFinish = ReadLines(file);
        await writer.CommitAsync(long.MaxValue, None);

        Assert.Empty(afterFinish);
        Assert.Equal(Lines(0, 5), ReadLines(file));
        Assert.Equal(["commit.lock", "commit.log"], Directory.GetFiles(PendingDirectory(file)).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task CommitAsync_WhenRepeated_AppendsEachPartOnce()
    {
        var file = _dir.File("out.txt");
        await using var writer = new TextFileSink<int>(file, Line).CreateWriter(Context(exactlyOnce: true));
        WriteAll(writer, 0, 2);
        await writer.PrepareCommitAsync(1, None);
        WriteAll(writer, 2, 4);
        await writer.PrepareCommitAsync(2, None);

        await writer.CommitAsync(1, None);
        await writer.CommitAsync(1, None);
        await writer.CommitAsync(2, None);
        await writer.CommitAsync(1, None);
        await writer.CommitAsync(2, None);

        Assert.Equal(Lines(0, 4), ReadLines(file));
    }

    [Fact]
    public async Task CommitAsync_WhenALaterCheckpointCompletes_AppendsEveryEarlierPartInOrder()
    {
        var file = _dir.File("out.txt");
        await using var writer = new TextFileSink<int>(file, Line).CreateWriter(Context(exactlyOnce: true));
        for (var checkpoint = 1; checkpoint <= 3; checkpoint++)
        {
            WriteAll(writer, (checkpoint - 1) * 2, checkpoint * 2);
            await writer.PrepareCommitAsync(checkpoint, None);
        }

        await writer.CommitAsync(3, None);

        Assert.Equal(Lines(0, 6), ReadLines(file));
    }

    [Fact]
    public async Task PrepareCommitAsync_WhenTheIdDoesNotIncrease_FailsLoudly()
    {
        await using var writer = new TextFileSink<int>(_dir.File("out.txt"), Line).CreateWriter(Context(exactlyOnce: true));
        await writer.PrepareCommitAsync(5, None);

        await Assert.ThrowsAsync<InvalidOperationException>(async () => await writer.PrepareCommitAsync(5, None));
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await writer.PrepareCommitAsync(long.MaxValue, None));
    }

    [Fact]
    public async Task Write_AfterFinish_FailsLoudly()
    {
        await using var writer = new TextFileSink<int>(_dir.File("out.txt"), Line).CreateWriter(Context(exactlyOnce: true));
        await writer.FinishAsync(None);

        Assert.Throws<InvalidOperationException>(() => writer.Write(1));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CreateWriter_WhenParallel_WritesOnePartFilePerSubtask(bool exactlyOnce)
    {
        var output = _dir.File("out");
        var sink = new TextFileSink<int>(output, Line);
        for (var subtask = 0; subtask < 2; subtask++)
        {
            await using var writer = sink.CreateWriter(Context(exactlyOnce, subtask: subtask, parallelism: 2));
            WriteAll(writer, subtask * 10, (subtask * 10) + 3);
            await writer.FinishAsync(None);
            await writer.CommitAsync(long.MaxValue, None);
        }

        Assert.Equal(Lines(0, 3), ReadLines(Path.Combine(output, "part-0")));
        Assert.Equal(Lines(10, 13), ReadLines(Path.Combine(output, "part-1")));
        Assert.Equal(exactlyOnce, Directory.Exists(Path.Combine(output, ".part-1.pending")));
    }
}
