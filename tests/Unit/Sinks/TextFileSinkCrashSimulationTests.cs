using System.Globalization;
using OrleansFlow.Sinks;
using OrleansFlow.Tests.Fixtures;
using static OrleansFlow.Tests.Unit.Sinks.TextFileSinkTesting;

namespace OrleansFlow.Tests.Unit.Sinks;

/// <summary>
/// Drives an exactly-once text file sink the way the runtime would through random failures: a replayable source
/// feeds the writer, barriers seal checkpoints, some checkpoints fail, completion notices (commits) are delayed or
/// lost, and the writer crashes at random points (abandoned, disposed, or in the middle of an append). Each restart
/// restores the latest completed checkpoint and replays the source from its position. The file must end up equal
/// to the failure-free output.
/// </summary>
[Trait("Category", "Unit")]
public sealed class TextFileSinkCrashSimulationTests : IDisposable
{
    private const int Records = 300;
    private readonly TempDirectory _dir = new();

    public static TheoryData<int> Seeds { get; } = [.. Enumerable.Range(0, 40)];

    public void Dispose() => _dir.Dispose();

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task Output_AfterRandomCrashesAndRestores_EqualsTheFailureFreeRun(int seed)
    {
        var random = new Random(seed);
        var file = _dir.File($"out-{seed}.txt");
        var sink = new TextFileSink<int>(file, Line);
        var journal = new List<string>();
        long nextCheckpointId = 1;
        (long Id, byte[] State, int Position)? completed = null;
        for (var attempt = 0; ; attempt++)
        {
            Assert.True(attempt < 500, $"seed {seed}: the job never finished");
            var restore = completed is { } c ? new SinkRestore(c.Id, c.State) : null;
            journal.Add(restore is null ? "start" : string.Create(CultureInfo.InvariantCulture, $"restore {restore.CheckpointId}"));
            var writer = sink.CreateWriter(Context(exactlyOnce: true, restore));
            var position = completed?.Position ?? 0;
            var crashed = false;
            while (position < Records && !crashed)
            {
                var until = Math.Min(Records, position + random.Next(1, 25));
                WriteAll(writer, position, until);
                position = until;
                if (random.Next(3) == 0)
                {
                    await writer.FlushAsync(None);
                }

                if (random.Next(10) == 0)
                {
                    crashed = true;
                }
                else if (position < Records)
                {
                    var id = nextCheckpointId++;
                    var state = await writer.PrepareCommitAsync(id, None);
                    if (random.Next(5) == 0)
                    {
                        journal.Add(string.Create(CultureInfo.InvariantCulture, $"cp {id} failed"));
                        continue;
                    }

                    completed = (id, state, position);
                    if (random.Next(3) != 0)
                    {
                        await writer.CommitAsync(id, None);
                        journal.Add(string.Create(CultureInfo.InvariantCulture, $"cp {id} committed"));
                    }
                    else
                    {
                        journal.Add(string.Create(CultureInfo.InvariantCulture, $"cp {id} notice lost"));
                    }
                }
            }

            if (!crashed)
            {
                await writer.FinishAsync(None);
                crashed = random.Next(4) == 0;
            }

            if (crashed)
            {
                var how = await CrashAsync(writer, file, random);
                journal.Add(string.Create(CultureInfo.InvariantCulture, $"crash at {position} ({how})"));
                continue;
            }

            await writer.CommitAsync(long.MaxValue, None);
            await writer.DisposeAsync();
            break;
        }

        var lines = ReadLines(file);
        Assert.True(Lines(0, Records).SequenceEqual(lines), $"seed {seed}: {lines.Length} lines after {string.Join("; ", journal)}");
    }

    private static async Task<string> CrashAsync(ICommittingSinkWriter<int> writer, string file, Random random)
    {
        switch (random.Next(3))
        {
            case 0:
                return "abandoned";
            case 1:
                await writer.DisposeAsync();
                return "disposed";
            default:
                // A crash while appending a part: bytes past the committed length, ending in a partial line.
                File.AppendAllText(file, "record 999\nrecord 99");
                return "torn append";
        }
    }
}
