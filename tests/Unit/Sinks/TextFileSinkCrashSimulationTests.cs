using OrleansFlow.Sinks;
using OrleansFlow.Tests.Fixtures;
using static OrleansFlow.Tests.Unit.Sinks.TextFileSinkTesting;

namespace OrleansFlow.Tests.Unit.Sinks;

/// <summary>
/// An exactly-once text file sink through random crashes and restores (<see cref="TwoPhaseCommitSimulation"/>),
/// including crashes in the middle of an append: the file must end up equal to the failure-free output.
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
        var file = _dir.File($"out-{seed}.txt");
        var sink = new TextFileSink<int>(file, Line);

        var journal = await TwoPhaseCommitSimulation.RunAsync(
            new Random(seed),
            restore => sink.CreateWriter(Context(exactlyOnce: true, restore)),
            Records,
            kind => Task.FromResult<string?>(kind == 0 ? TornAppend(file) : null));

        var lines = ReadLines(file);
        Assert.True(Lines(0, Records).SequenceEqual(lines), $"seed {seed}: {lines.Length} lines after {journal}");
    }

    /// <summary>A crash while appending a part: bytes past the committed length, ending in a partial line.</summary>
    private static string TornAppend(string file)
    {
        File.AppendAllText(file, "record 999\nrecord 99");
        return "torn append";
    }
}
