using OrleansFlow.Examples;
using OrleansFlow.Functions;

namespace OrleansFlow.Tests.Unit.Examples;

/// <summary>
/// The wordcount example's words (issue 17): split on non-word characters in Unicode's sense (letters, combining marks,
/// digits and connector punctuation of every script make words) and lower-cased with the invariant culture.
/// </summary>
[Trait("Category", "Unit")]
public sealed class WordCountTokenizerTests
{
    [Theory]
    [InlineData("Café naïve Straße", new[] { "café", "naïve", "straße" })]
    [InlineData("实时流处理 数据流", new[] { "实时流处理", "数据流" })]
    [InlineData("流处理，数据流。完", new[] { "流处理", "数据流", "完" })] // full-width comma and full stop separate words
    [InlineData("na\u0069\u0308ve", new[] { "na\u0069\u0308ve" })] // a combining diaeresis stays inside its word
    [InlineData("snake_case x2 -- ÉCOLE!", new[] { "snake_case", "x2", "école" })]
    [InlineData("Ελληνικά Русский", new[] { "ελληνικά", "русский" })]
    [InlineData("  ,,, ", new string[0])]
    public void Tokenize_SplitsOnUnicodeNonWordCharactersAndLowerCases(string line, string[] words)
    {
        var output = new ListCollector();
        WordCountJob.Tokenize(line, output);
        Assert.Equal(words, output.Words);
        Assert.All(output.Counts, c => Assert.Equal(1, c));
    }

    private sealed class ListCollector : ICollector<(string Word, long Count)>
    {
        public List<string> Words { get; } = [];

        public List<long> Counts { get; } = [];

        public void Collect((string Word, long Count) record)
        {
            Words.Add(record.Word);
            Counts.Add(record.Count);
        }
    }
}
