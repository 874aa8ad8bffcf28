using System.Diagnostics;

namespace OrleansFlow.Tests.Processes;

/// <summary>Inputs of the crash tests: events from the shared generator, and word lines made from them.</summary>
internal static class CrashInputs
{
    /// <summary>Writes <paramref name="events"/> lines <c>timestamp,key,value</c> with <c>gen_events.py</c> (seed 42).</summary>
    public static async Task<string> EventsAsync(string directory, int events)
    {
        var path = Path.Combine(directory, $"events-{events}.csv");
        var info = new ProcessStartInfo("python3") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { Generator(), "--events", $"{events}", "--out", path })
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start python3.");
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"gen_events.py exited with {process.ExitCode}: {await errors}");
        }

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

    /// <summary>The shared generator, <c>../shared/tools/gen_events.py</c> from the repository root (as the benchmarks use it).</summary>
    private static string Generator()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OrleansFlow.sln")))
            {
                var generator = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "tools", "gen_events.py"));
                return File.Exists(generator) ? generator : throw new FileNotFoundException($"The event generator is missing: {generator}", generator);
            }
        }

        throw new DirectoryNotFoundException($"No repository root (OrleansFlow.sln) above {AppContext.BaseDirectory}.");
    }
}
