using System.Text.RegularExpressions;

namespace OrleansFlow.Examples;

/// <summary>
/// Flink's WordCount: lower-cased words split on non-word characters (<c>\W+</c>, ASCII word characters as in
/// Java), empty tokens dropped, <c>KeyBy(word).Sum(count)</c>. As in Flink's streaming mode every running update
/// is emitted, as a line <c>word,count</c>; the last line of a word is its final count.
/// Arguments: <c>--input FILE [--output FILE] [--rate N]</c>.
/// </summary>
public sealed partial class WordCountJob : IStreamJob
{
    /// <inheritdoc />
    public void Build(StreamExecutionEnvironment env, IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(env);
        var options = new JobArguments(args);
        options.RejectUnknown("input", "output", "rate");
        var counts = env.ReadTextFile(options.Required("input"), options.OptionalPositive("rate"))
            .FlatMap<(string Word, long Count)>(Tokenize).Name("Tokenizer")
            .KeyBy(t => t.Word)
            .Sum(t => t.Count).Name("Word Count");
        if (options.Optional("output") is { } output)
        {
            counts.WriteAsText(output, Format).SetParallelism(1);
        }
        else
        {
            counts.Print(Format).SetParallelism(1);
        }
    }

    /// <summary>Splits a line into (word, 1) pairs.</summary>
    public static void Tokenize(string line, Functions.ICollector<(string Word, long Count)> output)
    {
        ArgumentNullException.ThrowIfNull(line);
        ArgumentNullException.ThrowIfNull(output);
        foreach (var word in NonWord().Split(line.ToLowerInvariant()))
        {
            if (word.Length > 0)
            {
                output.Collect((word, 1));
            }
        }
    }

    /// <summary>The output line of a count.</summary>
    public static string Format((string Word, long Count) count) => $"{count.Word},{count.Count}";

    [GeneratedRegex(@"\W+", RegexOptions.ECMAScript)]
    private static partial Regex NonWord();
}
