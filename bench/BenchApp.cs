namespace OrleansFlow.Bench;

/// <summary>
/// Runs the throughput benchmark: the plain loop in this process, then the engine in a fresh child process (so
/// each peak working set is the phase's own), and prints a table. Exits non-zero when a count does not match.
/// </summary>
internal static class BenchApp
{
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Contains("--help") || args.Contains("-h"))
        {
            await stdout.WriteLineAsync(BenchOptions.Usage);
            return 0;
        }

        BenchOptions options;
        try
        {
            options = BenchOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            await stderr.WriteLineAsync($"bench: {e.Message}");
            await stderr.WriteLineAsync(BenchOptions.Usage);
            return 2;
        }

        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };

        try
        {
            if (options.ExpectedEvents is { } expected && options.Input is { } childInput)
            {
                // Child process of a full run: the engine only, reported to the parent as one line.
                var result = await EngineBenchmark.RunAsync(Path.GetFullPath(childInput), expected, options.Parallelism, options.Timeout,
                    "a fresh process: .NET runtime, embedded silo and the job (nothing else ran in it)", cancel.Token);
                await stdout.WriteLineAsync(ChildProcess.Serialize(result));
                return 0;
            }

            var input = await InputData.EnsureAsync(options, stderr, cancel.Token);
            var results = new List<PhaseResult>();
            long? events = null;
            if (options.Phase is "all" or "loop")
            {
                await stderr.WriteLineAsync($"loop: reading {input} ...");
                var loop = await LoopBenchmark.RunAsync(input, "this process from its start: .NET runtime and the loop (nothing else ran yet)", cancel.Token);
                results.Add(loop);
                events = loop.Events;
                await stderr.WriteLineAsync($"loop: {loop.EventsPerSecond:N0} events/s");
            }

            if (options.Phase is "all" or "engine")
            {
                events ??= CountLines(input);
                await stderr.WriteLineAsync($"engine: parallelism {options.Parallelism}, {events:N0} events ...");
                PhaseResult engine;
                if (options.InProcess || options.Phase == "engine")
                {
                    var covers = results.Count == 0
                        ? "this process from its start: .NET runtime, embedded silo and the job"
                        : PhaseMeter.TryResetPeakWorkingSet()
                            ? "this process since its peak RSS was reset after the loop (/proc/self/clear_refs): embedded silo and the job, plus whatever the loop left mapped"
                            : "this process from its start, the loop included (the peak could not be reset)";
                    engine = await EngineBenchmark.RunAsync(input, events.Value, options.Parallelism, options.Timeout, covers, cancel.Token);
                }
                else
                {
                    engine = await ChildProcess.RunEngineAsync(input, events.Value, options, stderr, cancel.Token);
                }

                results.Add(engine);
                await stderr.WriteLineAsync($"engine: {engine.EventsPerSecond:N0} events/s");
            }

            ResultsTable.Write(stdout, input, results);
            return 0;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await stderr.WriteLineAsync($"bench: FAILED: {e.Message}");
            return 1;
        }
    }

    private static long CountLines(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        var buffer = new byte[1 << 20];
        long lines = 0;
        var last = (byte)'\n';
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            lines += buffer.AsSpan(0, read).Count((byte)'\n');
            last = buffer[read - 1];
        }

        return last == '\n' ? lines : lines + 1;
    }
}
