using OrleansFlow.Sinks;
using OrleansFlow.Tests.Fixtures;
using static OrleansFlow.Tests.Unit.Sinks.TextFileSinkTesting;

namespace OrleansFlow.Tests.Unit.Sinks;

/// <summary>Exactly-once text file writers restored after simulated crashes at the points that matter.</summary>
[Trait("Category", "Unit")]
public sealed class TextFileSinkRecoveryTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly string _file;
    private readonly TextFileSink<int> _sink;

    public TextFileSinkRecoveryTests()
    {
        _file = _dir.File("out.txt");
        _sink = new TextFileSink<int>(_file, Line);
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Restore_WhenTheWriterCrashedBeforeCommitting_AppendsWhatItSealedUpToTheCheckpointOnly()
    {
        var crashed = _sink.CreateWriter(Context(exactlyOnce: true));
        WriteAll(crashed, 0, 3);
        var state1 = await crashed.PrepareCommitAsync(1, None);
        WriteAll(crashed, 3, 5);
        await crashed.PrepareCommitAsync(2, None);
        WriteAll(crashed, 5, 7);
        await crashed.FlushAsync(None);

        await using var restored = _sink.CreateWriter(Context(exactlyOnce: true, new SinkRestore(1, state1)));
        var afterRestore = ReadLines(_file);
        await RunToEndAsync(restored, from: 3, to: 9, checkpoint: 3);

        Assert.Equal(Lines(0, 3), afterRestore);
        Assert.Equal(Lines(0, 9), ReadLines(_file));
        Assert.Equal(["commit.lock", "commit.log"], PendingFiles());
    }

    [Fact]
    public async Task Restore_WhenTheOutputHasATornAppend_CutsItBeforeAppending()
    {
        var crashed = _sink.CreateWriter(Context(exactlyOnce: true));
        WriteAll(crashed, 0, 3);
        await crashed.PrepareCommitAsync(1, None);
        await crashed.CommitAsync(1, None);
        WriteAll(crashed, 3, 5);
        var state2 = await crashed.PrepareCommitAsync(2, None);
        File.AppendAllText(_file, "record 3\nreco"); // the crash came in the middle of committing checkpoint 2

        await using var restored = _sink.CreateWriter(Context(exactlyOnce: true, new SinkRestore(2, state2)));
        var afterRestore = ReadLines(_file);
        await RunToEndAsync(restored, from: 5, to: 8, checkpoint: 3);

        Assert.Equal(Lines(0, 5), afterRestore);
        Assert.Equal(Lines(0, 8), ReadLines(_file));
    }

    [Fact]
    public async Task Restore_WhenACommittedPartWasNotYetDeleted_DoesNotAppendItAgain()
    {
        var crashed = _sink.CreateWriter(Context(exactlyOnce: true));
        WriteAll(crashed, 0, 3);
        var state1 = await crashed.PrepareCommitAsync(1, None);
        var part = Assert.Single(Directory.GetFiles(PendingDirectory(_file), "*.sealed"));
        var saved = File.ReadAllBytes(part);
        await crashed.CommitAsync(1, None);
        File.WriteAllBytes(part, saved); // the crash came after the log was replaced, before the part was deleted

        await using var restored = _sink.CreateWriter(Context(exactlyOnce: true, new SinkRestore(1, state1)));

        Assert.Equal(Lines(0, 3), ReadLines(_file));
        Assert.Equal(["commit.lock", "commit.log"], PendingFiles());
    }

    [Fact]
    public async Task Restore_WhenALogReplacementWasInterrupted_KeepsTheOldLogAndDropsTheTemporaryOne()
    {
        var crashed = _sink.CreateWriter(Context(exactlyOnce: true));
        WriteAll(crashed, 0, 3);
        var state1 = await crashed.PrepareCommitAsync(1, None);
        File.WriteAllText(Path.Combine(PendingDirectory(_file), "commit.log.tmp"), "orleansflow-commit-log 1\nlast-");

        await using var restored = _sink.CreateWriter(Context(exactlyOnce: true, new SinkRestore(1, state1)));

        Assert.Equal(Lines(0, 3), ReadLines(_file));
        Assert.Equal(["commit.lock", "commit.log"], PendingFiles());
    }

    [Fact]
    public async Task Restore_WhenRepeatedFromTheSameCheckpoint_AppendsItsPartOnce()
    {
        var crashed = _sink.CreateWriter(Context(exactlyOnce: true));
        WriteAll(crashed, 0, 3);
        var state1 = await crashed.PrepareCommitAsync(1, None);

        var restoredOnce = _sink.CreateWriter(Context(exactlyOnce: true, new SinkRestore(1, state1)));
        WriteAll(restoredOnce, 3, 4);
        await restoredOnce.FlushAsync(None); // crashes again before its first checkpoint
        await using var restoredTwice = _sink.CreateWriter(Context(exactlyOnce: true, new SinkRestore(1, state1)));
        await RunToEndAsync(restoredTwice, from: 3, to: 6, checkpoint: 2);

        Assert.Equal(Lines(0, 6), ReadLines(_file));
    }

    [Fact]
    public async Task Restore_WhenAnOlderAttemptKeptWriting_IgnoresItsParts()
    {
        var zombie = _sink.CreateWriter(Context(exactlyOnce: true));
        WriteAll(zombie, 0, 3);
        var state1 = await zombie.PrepareCommitAsync(1, None);

        var restored = _sink.CreateWriter(Context(exactlyOnce: true, new SinkRestore(1, state1)));
        WriteAll(zombie, 100, 103); // the old attempt has not noticed the failure yet
        await zombie.PrepareCommitAsync(2, None);
        WriteAll(restored, 3, 5);
        var state3 = await restored.PrepareCommitAsync(3, None);
        await restored.CommitAsync(3, None);
        WriteAll(restored, 5, 7);
        await restored.PrepareCommitAsync(4, None);

        await using var last = _sink.CreateWriter(Context(exactlyOnce: true, new SinkRestore(3, state3)));
        await RunToEndAsync(last, from: 5, to: 8, checkpoint: 5);

        Assert.Equal(Lines(0, 8), ReadLines(_file));
        Assert.Equal(["commit.lock", "commit.log"], PendingFiles());
    }

    [Fact]
    public async Task CommitAsync_WhenAnOlderAttemptCommitsLate_NeitherCutsNorRepeatsItsSuccessorsOutput()
    {
        var zombie = _sink.CreateWriter(Context(exactlyOnce: true));
        WriteAll(zombie, 0, 3);
        await zombie.PrepareCommitAsync(1, None);
        WriteAll(zombie, 3, 5);
        var state2 = await zombie.PrepareCommitAsync(2, None);
        await using var restored = _sink.CreateWriter(Context(exactlyOnce: true, new SinkRestore(2, state2)));
        WriteAll(restored, 5, 7);
        await restored.PrepareCommitAsync(3, None);
        await restored.CommitAsync(3, None);

        await zombie.CommitAsync(2, None); // a completion notice that reached the old attempt late

        Assert.Equal(Lines(0, 7), ReadLines(_file));
    }

    [Fact]
    public async Task Restore_WhenTheWriterFinishedButTheFinalCommitWasLost_DropsTheFinalPartAndReplays()
    {
        var crashed = _sink.CreateWriter(Context(exactlyOnce: true));
        WriteAll(crashed, 0, 3);
        var state1 = await crashed.PrepareCommitAsync(1, None);
        WriteAll(crashed, 3, 6);
        await crashed.FinishAsync(None);

        await using var restored = _sink.CreateWriter(Context(exactlyOnce: true, new SinkRestore(1, state1)));
        await RunToEndAsync(restored, from: 3, to: 6, checkpoint: null);

        Assert.Equal(Lines(0, 6), ReadLines(_file));
    }

    [Fact]
    public async Task Restore_AtTheFinalPart_CommitsItOnceWhetherOrNotItWasCommitted()
    {
        var crashed = _sink.CreateWriter(Context(exactlyOnce: true));
        WriteAll(crashed, 0, 3);
        await crashed.PrepareCommitAsync(1, None);
        WriteAll(crashed, 3, 6);
        await crashed.FinishAsync(None);
        var final = await crashed.PrepareCommitAsync(long.MaxValue, None);

        await using (_sink.CreateWriter(Context(exactlyOnce: true, new SinkRestore(long.MaxValue, final))))
        {
        }

        var afterFirst = ReadLines(_file);
        await using (_sink.CreateWriter(Context(exactlyOnce: true, new SinkRestore(long.MaxValue, final))))
        {
        }

        Assert.Equal(Lines(0, 6), afterFirst);
        Assert.Equal(Lines(0, 6), ReadLines(_file));
    }

    [Fact]
    public async Task Restore_FromACheckpointOlderThanTheCommittedOne_FailsLoudly()
    {
        var writer = _sink.CreateWriter(Context(exactlyOnce: true));
        WriteAll(writer, 0, 3);
        var state1 = await writer.PrepareCommitAsync(1, None);
        WriteAll(writer, 3, 5);
        await writer.PrepareCommitAsync(2, None);
        await writer.CommitAsync(2, None);

        var e = Assert.Throws<InvalidOperationException>(() => _sink.CreateWriter(Context(exactlyOnce: true, new SinkRestore(1, state1))));

        Assert.Contains("checkpoint 2", e.Message, StringComparison.Ordinal);
        Assert.Equal(Lines(0, 5), ReadLines(_file));
    }

    [Fact]
    public async Task Restore_WhenTheCommitLogIsMissing_FailsLoudly()
    {
        var writer = _sink.CreateWriter(Context(exactlyOnce: true));
        WriteAll(writer, 0, 3);
        var state1 = await writer.PrepareCommitAsync(1, None);
        File.Delete(Path.Combine(PendingDirectory(_file), "commit.log"));

        var e = Assert.Throws<InvalidOperationException>(() => _sink.CreateWriter(Context(exactlyOnce: true, new SinkRestore(1, state1))));

        Assert.Contains("commit log", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restore_WhenTheOutputWasShortenedOutsideTheJob_FailsLoudly()
    {
        var writer = _sink.CreateWriter(Context(exactlyOnce: true));
        WriteAll(writer, 0, 3);
        var state1 = await writer.PrepareCommitAsync(1, None);
        await writer.CommitAsync(1, None);
        File.WriteAllText(_file, "record 0\n");

        var e = Assert.Throws<InvalidOperationException>(() => _sink.CreateWriter(Context(exactlyOnce: true, new SinkRestore(1, state1))));

        Assert.Contains("changed outside the job", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Restore_WhenTheStateIsNotAnExactlyOnceWritersState_FailsLoudly()
    {
        var e = Assert.Throws<InvalidOperationException>(() => _sink.CreateWriter(Context(exactlyOnce: true, new SinkRestore(1, []))));

        Assert.Contains("checkpointing mode", e.Message, StringComparison.Ordinal);
    }

    /// <summary>Writes [from, to), takes <paramref name="checkpoint"/> halfway when given, finishes and commits the final part.</summary>
    private static async Task RunToEndAsync(ICommittingSinkWriter<int> writer, int from, int to, long? checkpoint)
    {
        var middle = (from + to) / 2;
        WriteAll(writer, from, middle);
        if (checkpoint is { } id)
        {
            await writer.PrepareCommitAsync(id, None);
            await writer.CommitAsync(id, None);
        }

        WriteAll(writer, middle, to);
        await writer.FinishAsync(None);
        await writer.CommitAsync(long.MaxValue, None);
    }

    private string[] PendingFiles() => Directory.GetFiles(PendingDirectory(_file)).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToArray();
}
