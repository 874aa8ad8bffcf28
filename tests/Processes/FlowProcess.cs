using System.Diagnostics;
using System.Text.RegularExpressions;

namespace OrleansFlow.Tests.Processes;

/// <summary>
/// One <c>flow</c> command (<c>dotnet OrleansFlow.Cli.dll ...</c>) running as a child process, its output kept in
/// memory and in a log file. Log lines carry a timestamp and fit on one line (console logger settings through the
/// environment), so the tests can read them back.
/// </summary>
internal sealed partial class FlowProcess : IDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly List<string> _lines = [];
    private readonly List<(Func<string, bool> Predicate, TaskCompletionSource<string> Found)> _waiters = [];
    private readonly Lock _gate = new();
    private Task _exited = Task.CompletedTask;
    private bool _disposed;

    private FlowProcess(string name, Process process, StreamWriter log)
    {
        Name = name;
        _process = process;
        _log = log;
    }

    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _exited.IsCompleted;

    /// <summary>The exit code; the process must have exited.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>
    /// The CLI built with the tests: the test project references it, so its dll, dependencies and runtimeconfig sit
    /// next to the test assembly (the same build as <c>./flow</c>'s artifacts/cli, without a second build).
    /// </summary>
    public static string CliPath => Path.Combine(AppContext.BaseDirectory, "OrleansFlow.Cli.dll");

    /// <summary>Starts <c>flow</c> with <paramref name="arguments"/> in <paramref name="workingDirectory"/>, logging to <paramref name="logPath"/>.</summary>
    public static FlowProcess Start(string name, IEnumerable<string> arguments, string workingDirectory, string logPath, string? program = null)
    {
        var info = new ProcessStartInfo(DotnetHost())
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(program ?? CliPath);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["Logging__Console__FormatterName"] = "simple"; // without it the formatter options below are ignored
        info.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        info.Environment["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ";
        info.Environment["Logging__LogLevel__OrleansFlow"] = "Debug"; // task deployments and checkpoint triggers too
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        var log = new StreamWriter(logPath, append: false) { AutoFlush = true };
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var flow = new FlowProcess(name, process, log);
        process.OutputDataReceived += (_, e) => flow.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => flow.OnLine(e.Data);
        if (!process.Start())
        {
            log.Dispose();
            throw new InvalidOperationException($"Could not start {name}: dotnet {program ?? CliPath} {string.Join(' ', arguments)}");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        flow._exited = process.WaitForExitAsync(); // completes once the process has exited and its output is read
        return flow;
    }

    /// <summary>Waits for the process to exit and its output to be read.</summary>
    public Task WaitForExitAsync(CancellationToken cancellationToken) => _exited.WaitAsync(cancellationToken);

    /// <summary>Sends SIGTERM (what a service manager sends to stop a process gracefully).</summary>
    public async Task TerminateAsync()
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", $"{_process.Id}"]) { RedirectStandardError = true })
            ?? throw new InvalidOperationException("Could not run kill.");
        await kill.WaitForExitAsync();
    }

    /// <summary>Kills the process and its descendants with SIGKILL (no shutdown of any kind).</summary>
    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    /// <summary>The output lines so far.</summary>
    public IReadOnlyList<string> Lines()
    {
        lock (_gate)
        {
            return [.. _lines];
        }
    }

    public bool AnyLine(Func<string, bool> predicate)
    {
        lock (_gate)
        {
            return _lines.Any(predicate);
        }
    }

    /// <summary>
    /// Waits until the process prints a line that satisfies <paramref name="predicate"/> and returns it (woken by the
    /// line itself, not by polling); fails naming <paramref name="what"/> if the process exits first or
    /// <paramref name="timeout"/> passes.
    /// </summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> predicate, string what, TimeSpan timeout)
    {
        var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_lines.FirstOrDefault(predicate) is { } line)
            {
                return line;
            }

            _waiters.Add((predicate, found));
        }

        try
        {
            await Task.WhenAny(found.Task, _exited).WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{Name} printed no {what} within {timeout.TotalSeconds} s:\n{string.Join('\n', Lines().TakeLast(20))}");
        }
        finally
        {
            lock (_gate)
            {
                _waiters.RemoveAll(w => w.Found == found);
            }
        }

        return found.Task.IsCompleted
            ? await found.Task
            : throw new InvalidOperationException($"{Name} exited with {ExitCode} before its {what}:\n{string.Join('\n', Lines().TakeLast(20))}");
    }

    public void Dispose()
    {
        Kill();
        _process.WaitForExit(5000);
        _process.Dispose();
        lock (_gate)
        {
            _disposed = true;
            _log.Dispose();
        }
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return; // end of a stream
        }

        lock (_gate)
        {
            _lines.Add(line);
            if (!_disposed)
            {
                _log.WriteLine(line);
            }

            foreach (var (predicate, found) in _waiters)
            {
                if (predicate(line))
                {
                    found.TrySetResult(line);
                }
            }
        }
    }

    /// <summary>The job id of the <c>job ID submitted</c> line <c>flow run</c> and <c>flow submit</c> print, once printed.</summary>
    public async Task<string> WaitForJobIdAsync(TimeSpan timeout) =>
        JobIdLine().Match(await WaitForLineAsync(JobIdLine().IsMatch, "job id", timeout)).Groups[1].Value;

    [GeneratedRegex("job ([0-9a-f]{32}) submitted")]
    private static partial Regex JobIdLine();

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
}
