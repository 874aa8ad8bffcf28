using System.Globalization;
using System.Text;

namespace OrleansFlow.Tests.Processes;

/// <summary>
/// Inputs of the crash tests, generated here (tests must not depend on files outside the repository): events shaped
/// like <c>gen_events.py</c>'s (timestamps about a millisecond apart, jittered back by up to two seconds so some
/// arrive late; 10,000 keys; values 1-99), and word lines made from their keys.
/// </summary>
internal static class CrashInputs
{
    /// <summary>Writes <paramref name="events"/> lines <c>timestamp,key,value</c> (fixed seed).</summary>
    public static async Task<string> EventsAsync(string directory, int events)
    {
        var path = Path.Combine(directory, $"events-{events}.csv");
        var random = new Random(42);
        var builder = new StringBuilder();
        long clock = 1_700_000_000_000;
        for (var i = 0; i < events; i++)
        {
            clock += random.Next(0, 3);
            builder.Append(CultureInfo.InvariantCulture, $"{clock - random.Next(0, 2000)},w{random.Next(10_000)},{random.Next(1, 100)}\n");
        }

        await File.WriteAllTextAsync(path, builder.ToString());
        return path;
    }

    /// <summary>Lines of <paramref name="wordsPerLine"/> words: the keys of consecutive events, with some punctuation.</summary>
    public static async Task<string> WordsAsync(string directory, int events, int wordsPerLine)
    {
        var keys = (await File.ReadAllLinesAsync(await EventsAsync(directory, events))).Select(l => l.Split(',')[1]);
        var path = Path.Combine(directory, $"words-{events}.txt");
        await File.WriteAllLinesAsync(path, keys.Chunk(wordsPerLine).Select(words => string.Join(' ', words).ToUpperInvariant() + "."));
        return path;
    }
}
