using System.Diagnostics;

namespace OrleansFlow.Tests.Fixtures;

/// <summary>
/// Headless Chromium for the page tests, at <c>ORLEANSFLOW_TEST_CHROMIUM</c> or <c>/usr/bin/chromium</c> (Debian's
/// package, which ./run-tests installs when missing). Without it the tests fail, never skip.
/// </summary>
public static class Chromium
{
    public const string Variable = "ORLEANSFLOW_TEST_CHROMIUM";

    /// <summary>The browser's executable.</summary>
    public static string Path => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } path ? path
        : File.Exists("/usr/bin/chromium") ? "/usr/bin/chromium"
        : throw new InvalidOperationException($"Chromium is not installed: run the tests with ./run-tests (it installs Debian's chromium), or apt-get install chromium, or set {Variable}.");

    /// <summary>
    /// Loads <paramref name="url"/>, lets its scripts run for a few seconds, saves a screenshot to
    /// <paramref name="screenshot"/> and returns the rendered document (its DOM after the scripts ran). Chromium's
    /// virtual time waits for the page's network requests; on a loaded machine it once never came back (killed after
    /// 60 s), so <c>--timeout</c> stops loading after 30 s of real time and the page renders with what it has.
    /// </summary>
    public static async Task<string> RenderAsync(string chromium, string url, string screenshot)
    {
        string[] common = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars", "--window-size=1400,1000",
            "--virtual-time-budget=8000", "--timeout=30000", $"--user-data-dir={System.IO.Path.Combine(System.IO.Path.GetTempPath(), "orleansflow-chromium-" + Guid.NewGuid().ToString("N"))}"];
        await RunAsync(chromium, [.. common, $"--screenshot={screenshot}", url]);
        return await RunAsync(chromium, [.. common, "--dump-dom", url]);
    }

    private static async Task<string> RunAsync(string chromium, string[] args)
    {
        var start = new ProcessStartInfo(chromium) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {chromium}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{chromium} did not finish within 60 s: {await stderr}");
        }

        return process.ExitCode == 0 ? await stdout : throw new InvalidOperationException($"{chromium} exited with {process.ExitCode}: {await stderr}");
    }
}
