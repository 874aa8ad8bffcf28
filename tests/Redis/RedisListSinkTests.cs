using OrleansFlow.Sinks;
using OrleansFlow.Tests.Fixtures;
using OrleansFlow.Tests.Unit.Sinks;
using StackExchange.Redis;

namespace OrleansFlow.Tests.Redis;

[Trait("Category", "Redis")]
public sealed class RedisListSinkTests(RedisTestServer redis) : IClassFixture<RedisTestServer>
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task FlushAsync_WhenNotExactlyOnce_PushesStraightToTheList()
    {
        var key = redis.Key("direct");
        await using var writer = Sink(key).CreateWriter(Context(exactlyOnce: false));

        Write(writer, 0, 3);
        await writer.FlushAsync(None);
        var afterFlush = await ListAsync(key);
        Write(writer, 3, 5);
        var state = await writer.PrepareCommitAsync(1, None);

        Assert.Equal(Lines(0, 3), afterFlush);
        Assert.Equal(Lines(0, 5), await ListAsync(key));
        Assert.Empty(state);
    }

    [Fact]
    public async Task CreateWriter_WhenRestoredAtLeastOnce_PushesTheReplayedRecordsAgain()
    {
        var key = redis.Key("at-least-once");
        var crashed = Sink(key).CreateWriter(Context(exactlyOnce: false));
        Write(crashed, 0, 3);
        var state = await crashed.PrepareCommitAsync(1, None);
        Write(crashed, 3, 5);
        await crashed.FlushAsync(None);

        await using var restored = Sink(key).CreateWriter(Context(exactlyOnce: false, new SinkRestore(1, state)));
        Write(restored, 3, 6);
        await restored.FinishAsync(None);

        var list = await ListAsync(key);
        Assert.Equal([.. Lines(0, 5), .. Lines(3, 6)], list);
    }

    [Fact]
    public async Task CommitAsync_WhenExactlyOnce_ShowsTheRecordsOnlyOnceTheirCheckpointCompletes()
    {
        var key = redis.Key("commit");
        await using var writer = Sink(key).CreateWriter(Context(exactlyOnce: true));
        Write(writer, 0, 3);
        await writer.FlushAsync(None);
        await writer.PrepareCommitAsync(1, None);
        Write(writer, 3, 5);
        await writer.PrepareCommitAsync(2, None);
        Write(writer, 5, 6);
        await writer.FlushAsync(None);

        var beforeCommit = await ListAsync(key);
        await writer.CommitAsync(1, None);
        var afterCommit1 = await ListAsync(key);
        await writer.CommitAsync(2, None);

        Assert.Empty(beforeCommit);
        Assert.Equal(Lines(0, 3), afterCommit1);
        Assert.Equal(Lines(0, 5), await ListAsync(key));
    }

    [Fact]
    public async Task CommitAsync_WhenRepeated_IsANoOp()
    {
        var key = redis.Key("repeat");
        await using var writer = Sink(key).CreateWriter(Context(exactlyOnce: true));
        Write(writer, 0, 3);
        await writer.PrepareCommitAsync(1, None);

        await writer.CommitAsync(1, None);
        await writer.CommitAsync(1, None);
        await writer.CommitAsync(1, None);

        Assert.Equal(Lines(0, 3), await ListAsync(key));
    }

    [Fact]
    public async Task CommitScript_WhenRunAgainForACommittedPart_MovesNothing()
    {
        // A commit whose reply was lost is sent again: the marker makes the second run a no-op, even if the part still existed.
        var key = redis.Key("script");
        await using var writer = Sink(key).CreateWriter(Context(exactlyOnce: true));
        Write(writer, 0, 3);
        await writer.PrepareCommitAsync(1, None);
        var part = Assert.Single(await redis.KeysAsync(key), k => !k.EndsWith(":parts", StringComparison.Ordinal));
        var saved = await redis.Database.ListRangeAsync(part);
        await writer.CommitAsync(1, None);
        await redis.Database.ListRightPushAsync(part, saved);
        var marker = Assert.Single(await redis.KeysAsync(key), k => k.EndsWith(":committed", StringComparison.Ordinal));

        var moved = await redis.Database.ScriptEvaluateAsync(
            Sinks.Redis.RedisCommitScripts.Commit, [part, key, marker, marker.Replace(":committed", ":parts", StringComparison.Ordinal)], ["0000000000000000001"]);

        Assert.Equal(-1, (long)moved);
        Assert.Equal(Lines(0, 3), await ListAsync(key));
        Assert.False(await redis.Database.KeyExistsAsync(part));
    }

    [Fact]
    public async Task Restore_WhenTheWriterCrashedBeforeCommitting_MovesWhatItSealedUpToTheCheckpointOnly()
    {
        var key = redis.Key("restore");
        var crashed = Sink(key).CreateWriter(Context(exactlyOnce: true));
        Write(crashed, 0, 3);
        var state1 = await crashed.PrepareCommitAsync(1, None);
        Write(crashed, 3, 5);
        await crashed.PrepareCommitAsync(2, None);
        Write(crashed, 5, 7);
        await crashed.FlushAsync(None);

        await using var restored = Sink(key).CreateWriter(Context(exactlyOnce: true, new SinkRestore(1, state1)));
        await restored.FlushAsync(None);
        var afterRestore = await ListAsync(key);
        Write(restored, 3, 6);
        await restored.PrepareCommitAsync(3, None);
        await restored.CommitAsync(3, None);
        Write(restored, 6, 9);
        await restored.FinishAsync(None);
        await restored.CommitAsync(long.MaxValue, None);

        Assert.Equal(Lines(0, 3), afterRestore);
        Assert.Equal(Lines(0, 9), await ListAsync(key));
        Assert.Equal([key], await redis.KeysAsync(key));
    }

    [Fact]
    public async Task Restore_WhenRepeatedFromTheSameCheckpoint_MovesItsPartOnce()
    {
        var key = redis.Key("restore-twice");
        var crashed = Sink(key).CreateWriter(Context(exactlyOnce: true));
        Write(crashed, 0, 3);
        var state1 = await crashed.PrepareCommitAsync(1, None);

        var crashedAgain = new List<ICommittingSinkWriter<int>> { crashed };
        for (var restart = 0; restart < 3; restart++)
        {
            var restored = Sink(key).CreateWriter(Context(exactlyOnce: true, new SinkRestore(1, state1)));
            Write(restored, 3, 4);
            await restored.FlushAsync(None);
            crashedAgain.Add(restored);
        }

        var list = await ListAsync(key);
        foreach (var writer in crashedAgain)
        {
            await writer.DisposeAsync();
        }

        Assert.Equal(Lines(0, 3), list);
    }

    [Fact]
    public async Task CommitAsync_WhenAnOlderAttemptCommitsLate_ChangesNothing()
    {
        var key = redis.Key("zombie");
        var zombie = Sink(key).CreateWriter(Context(exactlyOnce: true));
        Write(zombie, 0, 3);
        await zombie.PrepareCommitAsync(1, None);
        Write(zombie, 3, 5);
        var state2 = await zombie.PrepareCommitAsync(2, None);
        await using var restored = Sink(key).CreateWriter(Context(exactlyOnce: true, new SinkRestore(2, state2)));
        Write(restored, 5, 7);
        await restored.PrepareCommitAsync(3, None);
        await restored.CommitAsync(3, None);

        await zombie.CommitAsync(2, None); // a completion notice that reached the old attempt late
        await zombie.DisposeAsync();

        Assert.Equal(Lines(0, 7), await ListAsync(key));
    }

    [Fact]
    public async Task Restore_FromACheckpointOlderThanTheCommittedOne_FailsLoudly()
    {
        var key = redis.Key("older");
        await using var writer = Sink(key).CreateWriter(Context(exactlyOnce: true));
        Write(writer, 0, 3);
        var state1 = await writer.PrepareCommitAsync(1, None);
        Write(writer, 3, 5);
        await writer.PrepareCommitAsync(2, None);
        await writer.CommitAsync(2, None);

        await using var restored = Sink(key).CreateWriter(Context(exactlyOnce: true, new SinkRestore(1, state1)));
        var e = await Assert.ThrowsAsync<InvalidOperationException>(async () => await restored.FlushAsync(None));

        Assert.Contains("checkpoint 2", e.Message, StringComparison.Ordinal);
        Assert.Equal(Lines(0, 5), await ListAsync(key));
    }

    [Fact]
    public void Restore_WhenTheStateIsNotAnExactlyOnceWritersState_FailsLoudly()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Sink(redis.Key("foreign")).CreateWriter(Context(exactlyOnce: true, new SinkRestore(1, [1, 2]))));

        Assert.Contains("checkpointing mode", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CommitAsync_WhenSubtasksShareTheList_KeepsEachSubtasksOrder()
    {
        var key = redis.Key("subtasks");
        await using var first = Sink(key).CreateWriter(Context(exactlyOnce: true, subtask: 0, parallelism: 2));
        await using var second = Sink(key).CreateWriter(Context(exactlyOnce: true, subtask: 1, parallelism: 2));
        Write(first, 0, 3);
        Write(second, 100, 103);
        await first.PrepareCommitAsync(1, None);
        await second.PrepareCommitAsync(1, None);
        await second.CommitAsync(1, None);
        await first.CommitAsync(1, None);

        var list = await ListAsync(key);
        Assert.Equal([.. Lines(100, 103), .. Lines(0, 3)], list);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public async Task Output_AfterRandomCrashesAndRestores_EqualsTheFailureFreeRun(int seed)
    {
        var key = redis.Key($"simulation-{seed}");
        var sink = Sink(key);

        var journal = await TwoPhaseCommitSimulation.RunAsync(new Random(seed), restore => sink.CreateWriter(Context(exactlyOnce: true, restore)), 200);

        var list = await ListAsync(key);
        Assert.True(Lines(0, 200).SequenceEqual(list), $"seed {seed}: {list.Length} elements after {journal}");
        var left = await redis.KeysAsync(key);
        Assert.True(left.Count == 1, $"seed {seed}: keys left {string.Join(", ", left)} after {journal}");
    }

    private RedisListSink<int> Sink(string key) => new(redis.ConnectionString, key, Line);

    /// <summary>A sink subtask's context; a restart keeps the job id, as the runtime does (a restored writer takes its keys from the state).</summary>
    private static SinkContext Context(bool exactlyOnce, SinkRestore? restore = null, int subtask = 0, int parallelism = 1, string jobId = "job-1") =>
        new(jobId, 3, "Sink: Redis", subtask, parallelism) { ExactlyOnce = exactlyOnce, Restore = restore };

    private static string Line(int i) => $"record {i}";

    private static string[] Lines(int from, int to) => Enumerable.Range(from, to - from).Select(Line).ToArray();

    private static void Write(ISinkWriter<int> writer, int from, int to)
    {
        for (var i = from; i < to; i++)
        {
            writer.Write(i);
        }
    }

    private async Task<string[]> ListAsync(string key) => (await redis.Database.ListRangeAsync(key)).Select(v => v.ToString()).ToArray();
}
