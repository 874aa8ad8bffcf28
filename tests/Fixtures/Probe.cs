using System.Collections.Concurrent;

namespace OrleansFlow.Tests.Fixtures;

/// <summary>
/// Records what test sinks saw, keyed by a run id passed to the job as an argument. Works because the test
/// cluster's silos run in the test process.
/// </summary>
public static class Probe
{
    private static readonly ConcurrentDictionary<string, ConcurrentQueue<long>> Runs = new();

    public static string NewRun() => Guid.NewGuid().ToString("N");

    public static ConcurrentQueue<long> Of(string run) => Runs.GetOrAdd(run, _ => new ConcurrentQueue<long>());
}
