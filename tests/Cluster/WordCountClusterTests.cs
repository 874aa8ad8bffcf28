using System.Globalization;
using System.Text;
using OrleansFlow.Examples;
using OrleansFlow.Jobs;
using OrleansFlow.Tests.Fixtures;

namespace OrleansFlow.Tests.Cluster;

[Collection(ClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class WordCountClusterTests(FlowClusterFixture fixture) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("flow-wc-").FullName;

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public async Task WordCount_WhenRunOnTwoSilos_EmitsEveryRunningCountOfAnIndependentCount(int parallelism)
    {
        var input = WriteText(lines: 3000, seed: 7);
        var output = Path.Combine(_dir, $"out-{parallelism}.txt");

        var job = await fixture.Environment(parallelism).ExecuteJobAsync<WordCountJob>(["--input", input, "--output", output], cancellationToken: TestTimeouts.JobToken());
        var status = await job.WaitForCompletionAsync(TestTimeouts.JobToken());

        Assert.Equal(JobStatus.Finished, status.Status);
        var expected = IndependentCount(input);
        var lines = File.ReadAllLines(output);
        // Streaming semantics: a word counted n times appears as word,1 ... word,n, in that order.
        var expectedLines = expected.SelectMany(kv => Enumerable.Range(1, (int)kv.Value).Select(i => $"{kv.Key},{i}")).Order(StringComparer.Ordinal);
        Assert.Equal(expectedLines, lines.Order(StringComparer.Ordinal));
        var last = lines.Select(l => l.Split(',')).GroupBy(p => p[0]).ToDictionary(g => g.Key, g => long.Parse(g.Last()[1], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(expected.OrderBy(kv => kv.Key), last.OrderBy(kv => kv.Key));

        // The ended job still shows each operator's final counts (its tasks are gone), as Flink's web UI does:
        // the source chain reads every line and sends every word, the sum takes and sends every word (each running
        // count), and the sink takes them all. At parallelism 1 the sum and the sink form one chain.
        var words = expected.Values.Sum();
        var vertices = (await job.GetDetailsAsync(TestTimeouts.JobToken())).Vertices;
        (long In, long Out)[] counts = parallelism == 1 ? [(3000, words), (words, 0)] : [(3000, words), (words, words), (words, 0)];
        Assert.Equal(counts, vertices.Select(v => (v.RecordsIn, v.RecordsOut)));
        Assert.All(vertices, v => Assert.Equal(v.Parallelism, v.Subtasks.Count));
    }

    [Fact]
    public async Task WordCount_WhenParallelismDiffers_GivesTheSameOutputLines()
    {
        var input = WriteText(lines: 500, seed: 11);
        var outputs = new List<string[]>();
        foreach (var parallelism in new[] { 1, 4 })
        {
            var output = Path.Combine(_dir, $"agree-{parallelism}.txt");
            var job = await fixture.Environment(parallelism).ExecuteJobAsync<WordCountJob>(["--input", input, "--output", output], cancellationToken: TestTimeouts.JobToken());
            await job.WaitForCompletionAsync(TestTimeouts.JobToken());
            outputs.Add(File.ReadAllLines(output).Order(StringComparer.Ordinal).ToArray());
        }

        Assert.NotEmpty(outputs[0]);
        Assert.Equal(outputs[0], outputs[1]);
    }

    [Fact]
    public async Task QueryState_WhileJobHasRun_ReturnsTheKeysCurrentSum()
    {
        var input = WriteText(lines: 200, seed: 3);
        var job = await fixture.Environment(2).ExecuteJobAsync<WordCountJob>(["--input", input, "--output", Path.Combine(_dir, "q.txt")], cancellationToken: TestTimeouts.JobToken());
        await job.WaitForCompletionAsync(TestTimeouts.JobToken());

        var expected = IndependentCount(input);
        var word = expected.MaxBy(kv => kv.Value).Key;
        var state = await job.QueryStateAsync<string, (string Word, long Count)>("Word Count", word);
        Assert.Equal((word, expected[word]), state);
        Assert.Equal(default, await job.QueryStateAsync<string, (string Word, long Count)>("Word Count", "no-such-word"));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => job.QueryStateAsync<string, (string, long)>("No Such Operator", word));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string WriteText(int lines, int seed)
    {
        string[] vocabulary = ["Stream", "flink", "ORLEANS", "grain", "silo", "window", "state", "key", "the", "a", "don't", "x_y", "42", "naïve", "Straße", "实时流处理", "ÉCOLE"];
        string[] separators = [" ", ", ", "! ", " -- ", "\t", "... ", "?", "，", "。"];
        var random = new Random(seed);
        var text = new StringBuilder();
        for (var i = 0; i < lines; i++)
        {
            var words = random.Next(0, 12);
            for (var w = 0; w < words; w++)
            {
                text.Append(vocabulary[random.Next(vocabulary.Length)]).Append(separators[random.Next(separators.Length)]);
            }

            text.Append('\n');
        }

        var path = Path.Combine(_dir, $"input-{seed}.txt");
        File.WriteAllText(path, text.ToString());
        return path;
    }

    /// <summary>
    /// Counts words with an independent tokenizer of the documented rule: a word is a run of letters, nonspacing marks,
    /// decimal digits and connector punctuation (Unicode categories), lower-cased with the invariant culture.
    /// </summary>
    private static Dictionary<string, long> IndependentCount(string path)
    {
        var counts = new Dictionary<string, long>();
        foreach (var line in File.ReadLines(path))
        {
            var word = new StringBuilder();
            foreach (var c in line.ToLowerInvariant() + " ")
            {
                if (IsWordCharacter(c))
                {
                    word.Append(c);
                }
                else if (word.Length > 0)
                {
                    var w = word.ToString();
                    counts[w] = counts.GetValueOrDefault(w) + 1;
                    word.Clear();
                }
            }
        }

        return counts;
    }

    private static bool IsWordCharacter(char c) =>
        char.GetUnicodeCategory(c) is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
            or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter or UnicodeCategory.NonSpacingMark
            or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.ConnectorPunctuation;
}
