using System.Globalization;
using OrleansFlow.Sinks;

namespace OrleansFlow.Tests.Fixtures;

/// <summary>
/// <c>generator (2 subtasks) → rebalance → "Gated Sink" (2 subtasks)</c>: the sink records every value in the
/// <see cref="Probe"/> and, after a batch, awaits the run's gate when it is armed (<see cref="FaultInjection.StallIfArmedAsync"/>):
/// a subtask whose processing awaits something slow while its activation stays free to take calls. Arguments
/// (<see cref="Args"/>): run id, record count, records per second per source subtask.
/// </summary>
public sealed class GatedSinkJob : IStreamJob
{
    public void Build(StreamExecutionEnvironment env, IReadOnlyList<string> args)
    {
        var run = args[0];
        var count = long.Parse(args[1], CultureInfo.InvariantCulture);
        var rate = double.Parse(args[2], CultureInfo.InvariantCulture);
        env.Generate(i => i, count, rate).SetParallelism(2)
            .Rebalance()
            .SinkTo(new GatedSink(run), "Gated Sink").SetParallelism(2);
    }

    /// <summary>The submission arguments.</summary>
    public static string[] Args(string run, long count, double ratePerSubtask) =>
        [run, count.ToString(CultureInfo.InvariantCulture), ratePerSubtask.ToString(CultureInfo.InvariantCulture)];

    private sealed class GatedSink(string run) : ISink<long>
    {
        public ISinkWriter<long> CreateWriter(SinkContext context) => new Writer(Probe.Of(run), FaultInjection.Of(run));

        private sealed class Writer(System.Collections.Concurrent.ConcurrentQueue<long> seen, FaultInjection faults) : ISinkWriter<long>
        {
            public void Write(long record) => seen.Enqueue(record);

            public async ValueTask FlushAsync(CancellationToken cancellationToken) => await faults.StallIfArmedAsync().WaitAsync(cancellationToken);

            public ValueTask FinishAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}
