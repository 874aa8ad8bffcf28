namespace OrleansFlow.Cli;

/// <summary>Reading flag values from a command line.</summary>
internal static class CliArgs
{
    /// <summary>The value after the flag at <paramref name="i"/> (moving past it); a missing one is a usage error.</summary>
    public static string Value(IReadOnlyList<string> args, ref int i) =>
        i + 1 < args.Count ? args[++i] : throw new UsageException($"option '{args[i]}' needs a value");

    /// <summary>A non-empty id after the flag at <paramref name="i"/>.</summary>
    public static string Id(IReadOnlyList<string> args, ref int i)
    {
        var flag = args[i];
        var id = Value(args, ref i);
        return string.IsNullOrWhiteSpace(id) ? throw new UsageException($"{flag} must not be empty") : id;
    }
}
