using Microsoft.Extensions.Logging;
using OrleansFlow.Hosting;
using OrleansFlow.Sinks;

namespace OrleansFlow.Bench;

/// <summary>
/// The engine on the embedded default: <c>ReadLines(path, parse).KeyBy(key).Sum(value).SinkTo(discard)</c>, timed
/// from submission (which starts the embedded silo) until the job manager reports the job finished.
/// </summary>
internal static class EngineBenchmark
{
    public static async Task<PhaseResult> RunAsync(string path, long expectedEvents, int parallelism, TimeSpan timeout, string peakCovers, CancellationToken cancellationToken)
    {
        using var meter = new PhaseMeter();
        await using var env = LocalStreamEnvironment.Create(new LocalEnvironmentOptions { Parallelism = parallelism, LogLevel = LogLevel.Warning });
        var sink = new DiscardingSink<Event>();
        env.ReadLines(path, EventParser.Parse)
            .KeyBy(e => e.Key)
            .Sum(e => e.Value)
            .SinkTo(sink, "Discard");

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        meter.RestartClock();
        var job = await env.ExecuteAsync("bench: KeyBy(key).Sum(value)", deadline.Token);
        var submitted = meter.Elapsed;
        try
        {
            await job.WaitForCompletionAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await job.CancelAsync(CancellationToken.None);
            throw new TimeoutException($"engine: the job did not finish within {timeout.TotalSeconds:F0} s; the sink had counted {sink.Count:N0} of {expectedEvents:N0} updates");
        }

        var elapsed = meter.Elapsed;
        if (sink.Count != expectedEvents)
        {
            throw new InvalidOperationException($"engine: the discarding sink counted {sink.Count:N0} updates for {expectedEvents:N0} events");
        }

        var running = elapsed - submitted;
        var taskCount = job.Plan.TaskCount;
        return meter.Stop($"engine (p={parallelism})", expectedEvents, elapsed, peakCovers,
        [
            $"ExecuteAsync returned after {submitted.TotalSeconds:F2} s (embedded silo start, deployment of {taskCount} tasks, sources started)",
            $"from then to finished: {running.TotalSeconds:F2} s = {expectedEvents / running.TotalSeconds:N0} events/s",
        ]) with { JobSeconds = running.TotalSeconds };
    }
}
