using System.Text.RegularExpressions;

namespace OrleansFlow.Examples;

/// <summary>
/// Flink's WordCount: words lower-cased with the invariant culture and split on non-word characters in Unicode's
/// sense (.NET's <c>\W+</c>: a word is letters, combining marks, digits and connector punctuation of any script, so
/// "café", "Straße" and "实时流处理" are one word each and full-width punctuation separates words), empty tokens
/// dropped, <c>KeyBy(word).Sum(count)</c>. Flink's Java example splits on Java's ASCII-only <c>\W+</c> instead. As in Flink's streaming mode every running update
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

    [GeneratedRegex(@"\W+", RegexOptions.CultureInvariant)]
    private static partial Regex NonWord();
}
