using OrleansFlow.Cli;

namespace OrleansFlow.Tests.Cli;

/// <summary>
/// Issue 13's wrong answers, each with the exact input, through <c>flow run</c> on the embedded silo: each
/// fails the job with one line naming where (or, with <c>--on-bad-record skip</c>, writes the error file), never a
/// wrapped-around sum, a merged key or a lost record with exit 0.
/// </summary>
[Trait("Category", "Cluster")]
public sealed class InputAndResultsCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("flow-input-").FullName;
    private readonly StringWriter _stdout = new();
    private readonly StringWriter _stderr = new();

    [Fact]
    public async Task RunKeyedSum_WhenTheSumOverflows64Bits_FailsNamingOperatorKeyAndValues()
    {
        var input = Write("overflow.csv", "1000,k,9223372036854775807\n1001,k,1\n"u8);
        var output = Path.Combine(_dir, "sums.csv");

        var exit = await CliApp.RunAsync(["run", "keyed-sum", "--input", input, "--output", output], _stdout, _stderr);

        Assert.Equal(CliApp.JobFailed, exit);
        var line = Assert.Single(_stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: job failed in operator 'Keyed Sum'", line, StringComparison.Ordinal);
        Assert.Contains("the sum of field Value overflows Int64: 9223372036854775807 + 1 (record: key 'k'", line, StringComparison.Ordinal);
        Assert.DoesNotContain("-9223372036854775808", File.Exists(output) ? File.ReadAllText(output) : string.Empty, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunWindowSum_WhenAWindowsSumOverflows64Bits_FailsNamingOperatorKeyAndWindow()
    {
        var input = Write("overflow.csv", "1000,k,9223372036854775807\n1001,k,1\n"u8);

        var exit = await CliApp.RunAsync(["run", "window-sum", "--input", input, "--output", Path.Combine(_dir, "sums.csv"), "--window", "tumbling:10s"], _stdout, _stderr);

        Assert.Equal(CliApp.JobFailed, exit);
        var line = Assert.Single(_stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: job failed in operator 'Window Sum'", line, StringComparison.Ordinal);
        Assert.EndsWith("the sum of value overflows Int64: 9223372036854775807 + 1 (record: key 'k', window TimeWindow[0, 10000))", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunWindowSum_WhenKeysDifferOnlyInInvalidUtf8_WritesEachLineToTheErrorFileInsteadOfMergingThem()
    {
        var input = Write("keys.csv", [.. "1000,k"u8, 0xFF, .. ",1\n1000,k"u8, 0xFE, .. ",1\n1000,k"u8, 0xC3, .. ",1\n"u8]);
        var output = Path.Combine(_dir, "sums.csv");

        var exit = await CliApp.RunAsync(["run", "window-sum", "--input", input, "--output", output, "--window", "tumbling:10s", "--on-bad-record", "skip"], _stdout, _stderr);

        Assert.Equal(CliApp.Ok, exit);
        Assert.Empty(File.ReadAllText(output));
        Assert.Equal(
            [
                $"{input} line 1: invalid UTF-8 (byte 0xFF at byte 7 of the line): 1000,k\\xFF,1",
                $"{input} line 2: invalid UTF-8 (byte 0xFE at byte 7 of the line): 1000,k\\xFE,1",
                $"{input} line 3: invalid UTF-8 (byte 0xC3 at byte 7 of the line): 1000,k\\xC3,1",
            ],
            File.ReadAllLines(output + ".errors"));
    }

    [Fact]
    public async Task RunWindowSum_WhenAWindowEndWouldPassLongMaxValue_FailsWithTheLineNumber()
    {
        var input = Write("late.csv", "9223372036854775800,k,1\n9223372036854775801,k,2\n"u8);

        var exit = await CliApp.RunAsync(["run", "window-sum", "--input", input, "--output", Path.Combine(_dir, "sums.csv"), "--window", "tumbling:10s"], _stdout, _stderr);

        Assert.Equal(CliApp.JobFailed, exit);
        var line = Assert.Single(_stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"Bad record at {input} line 1: timestamp 9223372036854775800 has no tumbling window", line, StringComparison.Ordinal);
    }

    private string Write(string name, ReadOnlySpan<byte> bytes)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes.ToArray());
        return path;
    }

    public void Dispose()
    {
        _stdout.Dispose();
        _stderr.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
