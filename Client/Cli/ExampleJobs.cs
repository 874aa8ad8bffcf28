using OrleansFlow.Examples;

namespace OrleansFlow.Cli;

/// <summary>The example jobs <c>flow run</c> knows by name.</summary>
internal static class ExampleJobs
{
    private static readonly Dictionary<string, (Type Type, string Usage, string[] InputOptions)> Jobs = new(StringComparer.Ordinal)
    {
        ["wordcount"] = (typeof(WordCountJob), "--input FILE [--output FILE] [--rate N]", ["input"]),
        ["window-sum"] = (typeof(WindowSumJob), WindowSumJob.Usage, ["input"]),
        ["keyed-sum"] = (typeof(KeyedSumJob), KeyedSumJob.Usage, ["input"]),
    };

    public static IEnumerable<string> Names => Jobs.Keys;

    public static string Usage(string name) => Jobs[name].Usage;

    public static Type Resolve(string name) =>
        Jobs.TryGetValue(name, out var job) ? job.Type : throw new UsageException($"unknown job '{name}'; known jobs: {string.Join(", ", Jobs.Keys)}");

    /// <summary>Options of the job that name input files, checked before submission.</summary>
    public static IEnumerable<string> InputOptions(string name) => Jobs[name].InputOptions;
}
