using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace OrleansFlow.Bench;

/// <summary>
/// Runs one phase in a fresh process of this program, so that the phase's peak working set and GC figures are its
/// own. The child prints its result as one <c>RESULT {json}</c> line.
/// </summary>
internal static class ChildProcess
{
    public const string ResultPrefix = "RESULT ";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    public static string Serialize(PhaseResult result) => ResultPrefix + JsonSerializer.Serialize(result, Json);

    public static async Task<PhaseResult> RunEngineAsync(string input, long events, BenchOptions options, TextWriter log, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(Environment.ProcessPath ?? "dotnet") { UseShellExecute = false, RedirectStandardOutput = true };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            info.ArgumentList.Add(typeof(ChildProcess).Assembly.Location);
        }

        foreach (var arg in new[]
        {
            "--phase", "engine", "--input", input, "--expect", events.ToString(CultureInfo.InvariantCulture),
            "--parallelism", options.Parallelism.ToString(CultureInfo.InvariantCulture),
            "--timeout", ((long)options.Timeout.TotalSeconds).ToString(CultureInfo.InvariantCulture),
        })
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start the engine child process");
        PhaseResult? result = null;
        while (await process.StandardOutput.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.StartsWith(ResultPrefix, StringComparison.Ordinal))
            {
                result = JsonSerializer.Deserialize<PhaseResult>(line.AsSpan(ResultPrefix.Length), Json);
            }
            else
            {
                await log.WriteLineAsync(line);
            }
        }

        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0 || result is null)
        {
            throw new InvalidOperationException($"the engine child process failed (exit code {process.ExitCode}); see its output above");
        }

        return result;
    }
}
