using OrleansFlow.Cli;

namespace OrleansFlow.Tests.Cli;

/// <summary>
/// Issue 13, item 6 through the CLI on the embedded silo: a bad record whose line holds terminal control bytes (ESC,
/// BEL, NUL) fails the job with one error line in which they are escaped, <c>\x1b</c> style.
/// </summary>
[Trait("Category", "Cluster")]
public sealed class ErrorLineCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("flow-cli-errors-").FullName;
    private readonly StringWriter _stdout = new();
    private readonly StringWriter _stderr = new();

    [Fact]
    public async Task Run_WhenABadLineHoldsControlBytes_PrintsOneErrorLineWithThemEscaped()
    {
        var input = Path.Combine(_dir, "events.csv");
        await File.WriteAllTextAsync(input, "1700000000000,a,1\n1700000000100,b\u001b]0;owned\u0007\0,x\n");

        var exit = await CliApp.RunAsync(
            ["run", "window-sum", "--input", input, "--output", Path.Combine(_dir, "sums.csv"), "--window", "tumbling:10s"],
            _stdout,
            _stderr);

        Assert.Equal(CliApp.JobFailed, exit);
        var error = Assert.Single(_stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: job failed in operator ", error, StringComparison.Ordinal);
        Assert.Contains("line 2", error, StringComparison.Ordinal);
        Assert.Contains("b\\x1b]0;owned\\x07\\x00,x", error, StringComparison.Ordinal);
        Assert.DoesNotContain(error.TrimEnd('\r'), c => c < ' ' && c != '\t');
    }

    public void Dispose()
    {
        _stdout.Dispose();
        _stderr.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
