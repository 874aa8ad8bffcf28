using System.Globalization;
using OrleansFlow.Sinks;

namespace OrleansFlow.Tests.Unit.Sinks;

/// <summary>
/// Drives a two-phase-commit sink the way the runtime would through random failures: a replayable source feeds the
/// writer, barriers seal checkpoints, some checkpoints fail, completion notices (commits) are delayed or lost, and
/// the writer crashes at random points (abandoned, disposed, or whatever <c>crash</c> adds). Each restart restores the
/// latest completed checkpoint and replays the source from its position; checkpoint ids keep increasing. Returns a
/// journal of what happened, for assertion messages.
/// </summary>
internal static class TwoPhaseCommitSimulation
{
    /// <param name="createWriter">Creates a writer, restored or fresh.</param>
    /// <param name="records">The source: records 0 to records - 1.</param>
    /// <param name="crash">Extra crash kinds (called with a number from 0; returns a name, or null when there is no such kind).</param>
    public static async Task<string> RunAsync(
        Random random, Func<SinkRestore?, ICommittingSinkWriter<int>> createWriter, int records, Func<int, Task<string?>>? crash = null)
    {
        var journal = new List<string>();
        void Log(FormattableString entry) => journal.Add(entry.ToString(CultureInfo.InvariantCulture));
        var abandoned = new List<ICommittingSinkWriter<int>>();
        long nextCheckpointId = 1;
        (long Id, byte[] State, int Position)? completed = null;
        for (var attempt = 0; ; attempt++)
        {
            Assert.True(attempt < 500, "the job never finished: " + string.Join("; ", journal));
            var restore = completed is { } c ? new SinkRestore(c.Id, c.State) : null;
            Log($"{(restore is null ? "start" : "restore " + restore.CheckpointId)}");
            var writer = createWriter(restore);
            var position = completed?.Position ?? 0;
            var crashed = false;
            while (position < records && !crashed)
            {
                var until = Math.Min(records, position + random.Next(1, 25));
                for (; position < until; position++)
                {
                    writer.Write(position);
                }

                if (random.Next(3) == 0)
                {
                    await writer.FlushAsync(CancellationToken.None);
                }

                if (random.Next(10) == 0)
                {
                    crashed = true;
                }
                else if (position < records)
                {
                    var id = nextCheckpointId++;
                    var state = await writer.PrepareCommitAsync(id, CancellationToken.None);
                    if (random.Next(5) == 0)
                    {
                        Log($"cp {id} failed");
                        continue;
                    }

                    completed = (id, state, position);
                    if (random.Next(3) == 0)
                    {
                        Log($"cp {id} notice lost");
                        continue;
                    }

                    await writer.CommitAsync(id, CancellationToken.None);
                    Log($"cp {id} committed");
                }
            }

            if (!crashed)
            {
                await writer.FinishAsync(CancellationToken.None);
                crashed = random.Next(4) == 0;
            }

            if (!crashed)
            {
                await writer.CommitAsync(long.MaxValue, CancellationToken.None);
                await writer.DisposeAsync();
                Log($"finished");

                // Writers left behind by crashes are disposed late, as a lost silo's would be: this must change nothing.
                foreach (var zombie in abandoned)
                {
                    await zombie.DisposeAsync();
                }

                return string.Join("; ", journal);
            }

            var how = random.Next(4) switch
            {
                0 => "abandoned",
                1 => "disposed",
                var kind => crash is null ? null : await crash(kind - 2),
            };
            if (how is null || how == "disposed")
            {
                await writer.DisposeAsync();
                how ??= "disposed";
            }
            else
            {
                abandoned.Add(writer);
            }

            Log($"crash at {position} ({how})");
        }
    }
}
