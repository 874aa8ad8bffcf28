using OrleansFlow.Sinks;

namespace OrleansFlow.Tests.Unit.Sinks;

/// <summary>Contexts and helpers shared by the text file sink tests.</summary>
internal static class TextFileSinkTesting
{
    public static readonly CancellationToken None = CancellationToken.None;

    public static SinkContext Context(bool exactlyOnce, SinkRestore? restore = null, int subtask = 0, int parallelism = 1) =>
        new("job-1", 7, "Sink: Write out.txt", subtask, parallelism) { ExactlyOnce = exactlyOnce, Restore = restore };

    public static string Line(int i) => $"record {i}";

    public static string[] Lines(int from, int to) => Enumerable.Range(from, to - from).Select(Line).ToArray();

    public static void WriteAll(ISinkWriter<int> writer, int from, int to)
    {
        for (var i = from; i < to; i++)
        {
            writer.Write(i);
        }
    }

    /// <summary>The hidden directory of an output file's pending parts.</summary>
    public static string PendingDirectory(string file) =>
        Path.Combine(Path.GetDirectoryName(file)!, "." + Path.GetFileName(file) + ".pending");

    /// <summary>The lines of <paramref name="file"/>; fails on a last line without its "\n" (a partial line).</summary>
    public static string[] ReadLines(string file)
    {
        var text = File.ReadAllText(file);
        Assert.True(text.Length == 0 || text.EndsWith('\n'), $"'{file}' ends with a partial line: ...{text[Math.Max(0, text.Length - 40)..]}");
        return text.Length == 0 ? [] : text[..^1].Split('\n');
    }
}
