using System.Collections.Concurrent;

namespace OrleansFlow.Tests.Fixtures;

/// <summary>
/// Makes a user function throw at planned points: every call counts (replays after a restart count again), and
/// the call whose count is in the plan throws once. Plans are per run id, so tests do not share them. Works because
/// the in-process test cluster runs user functions in the test's process.
/// </summary>
public static class FailureInjection
{
    private static readonly ConcurrentDictionary<string, Plan> Plans = new();

    /// <summary>Plans failures at these call counts (1-based).</summary>
    public static void Arm(string run, IEnumerable<long> failAt) => Plans[run] = new Plan([.. failAt]);

    /// <summary>Counts a call; throws if this count is planned.</summary>
    public static void Tick(string run)
    {
        if (Plans.TryGetValue(run, out var plan) && plan.FailAt.Contains(Interlocked.Increment(ref plan.Calls)))
        {
            Interlocked.Increment(ref plan.Thrown);
            throw new InvalidOperationException($"injected failure in run {run}");
        }
    }

    /// <summary>How many planned failures have been thrown.</summary>
    public static long Thrown(string run) => Plans.TryGetValue(run, out var plan) ? Interlocked.Read(ref plan.Thrown) : 0;

    public static void Disarm(string run) => Plans.TryRemove(run, out _);

    private sealed class Plan(HashSet<long> failAt)
    {
        public readonly HashSet<long> FailAt = failAt;
        public long Calls;
        public long Thrown;
    }
}
