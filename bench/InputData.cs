using System.Diagnostics;
using System.Globalization;

namespace OrleansFlow.Bench;

/// <summary>Finds the benchmark input, generating it with the shared deterministic generator when it is missing.</summary>
internal static class InputData
{
    public static async Task<string> EnsureAsync(BenchOptions options, TextWriter log, CancellationToken cancellationToken)
    {
        if (options.Input is { } given)
        {
            return File.Exists(given) ? Path.GetFullPath(given) : throw new FileNotFoundException($"input file '{given}' does not exist", given);
        }

        var root = RepositoryRoot();
        var directory = options.DataDirectory ?? Path.Combine(root, "bench", "data");
        var path = Path.Combine(directory, $"events-{Label(options.Events)}.csv");
        if (File.Exists(path))
        {
            return path;
        }

        // CI clones the repository with shared/ beside it.
        var generator = options.Generator ?? Path.GetFullPath(Path.Combine(root, "..", "shared", "tools", "gen_events.py"));
        if (!File.Exists(generator))
        {
            throw new FileNotFoundException($"the event generator '{generator}' does not exist (pass --generator FILE or --input FILE)", generator);
        }

        Directory.CreateDirectory(directory);
        var partial = path + ".partial";
        log.WriteLine($"generating {options.Events:N0} events into {path} ...");
        var start = Stopwatch.GetTimestamp();
        var info = new ProcessStartInfo("python3") { UseShellExecute = false };
        foreach (var arg in new[] { generator, "--events", options.Events.ToString(CultureInfo.InvariantCulture), "--out", partial })
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start python3");
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            File.Delete(partial);
            throw new InvalidOperationException($"the generator failed with exit code {process.ExitCode}");
        }

        File.Move(partial, path, overwrite: true);
        log.WriteLine($"generated in {Stopwatch.GetElapsedTime(start).TotalSeconds:F1} s");
        return path;
    }

    /// <summary>The directory holding OrleansFlow.sln, searched upwards from the working directory, then from the binary.</summary>
    public static string RepositoryRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "OrleansFlow.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("cannot find the repository root (a directory holding OrleansFlow.sln); pass --input FILE");
    }

    private static string Label(long events) => events switch
    {
        _ when events % 1_000_000 == 0 => $"{events / 1_000_000}M",
        _ when events % 1_000 == 0 => $"{events / 1_000}K",
        _ => events.ToString(CultureInfo.InvariantCulture),
    };
}
