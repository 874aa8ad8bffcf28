using OrleansFlow.Execution;
using OrleansFlow.Functions;
using OrleansFlow.Keyed;
using OrleansFlow.State;

namespace OrleansFlow.Tests.Unit.Execution;

[Trait("Category", "Unit")]
public sealed class ProcessOperatorTests
{
    private const string OperatorName = "Count Clicks";

    [Fact]
    public void Process_WhenRecordsOfOneKeyArrive_CountsThemInValueState()
    {
        var op = NewOperator();
        var (store, timers) = NewKey();

        var first = Process(op, store, timers, "alice", [10, 11], "a", "b");
        var second = Process(op, store, timers, "alice", [20], "c");

        Assert.Equal(["alice=1", "alice=2"], first.Records!);
        Assert.Equal(["alice=3"], second.Records!);
    }

    [Fact]
    public void Process_WhenTwoKeysHaveTheirOwnStores_NeitherSeesTheOthersState()
    {
        var op = NewOperator();
        var (alice, aliceTimers) = NewKey();
        var (bob, bobTimers) = NewKey();

        Process(op, alice, aliceTimers, "alice", [1, 2, 3], "a", "b", "c");
        var fromBob = Process(op, bob, bobTimers, "bob", [1], "x");
        var fromAlice = Process(op, alice, aliceTimers, "alice", [2], "d");

        Assert.Equal(["bob=1"], fromBob.Records!);
        Assert.Equal(["alice=4"], fromAlice.Records!);
    }

    [Fact]
    public void Process_WhenFunctionRegistersEventTimeTimers_ReportsEachNewTimerOnce()
    {
        var op = NewOperator();
        var (store, timers) = NewKey();

        // Each record asks for a timer at its timestamp + 100; two records share a timestamp, and timers are deduplicated.
        var output = Process(op, store, timers, "k", [5, 5, 7], "a", "b", "c");

        Assert.Equal(
            [new TimerChange(105, TimeDomain.EventTime, Deleted: false), new TimerChange(107, TimeDomain.EventTime, Deleted: false)],
            output.Timers!);
        Assert.Equal(2, timers.Count);
    }

    [Fact]
    public void Process_WhenNoTimerChanges_ReportsNoChanges()
    {
        var op = NewOperator();
        var (store, timers) = NewKey();
        Process(op, store, timers, "k", [5], "a");

        var again = Process(op, store, timers, "k", [5], "b");

        Assert.Null(again.Timers);
    }

    [Fact]
    public void Process_WhenFunctionDeletesATimer_ReportsTheDeletion()
    {
        var op = NewOperator();
        var (store, timers) = NewKey();
        Process(op, store, timers, "k", [5], "a");

        var output = Process(op, store, timers, "k", [0], "delete:105");

        Assert.Equal([new TimerChange(105, TimeDomain.EventTime, Deleted: true)], output.Timers!);
        Assert.Equal(0, timers.Count);
    }

    [Fact]
    public void FireTimers_WhenSomeTimesWereNeverRegisteredOrWereDeleted_FiresOnlyRegisteredOnes()
    {
        var op = NewOperator();
        var (store, timers) = NewKey();
        Process(op, store, timers, "k", [0, 100, 200], "a", "b", "c");
        Process(op, store, timers, "k", [0], "delete:200");

        var fired = FireTimers(op, store, timers, "k", 100, 200, 300);

        Assert.Equal(["timer k@100 count=3 domain=EventTime ts=100", "timer k@300 count=3 domain=EventTime ts=300"], fired.Records!);
    }

    [Fact]
    public void FireTimers_WhenATimerAlreadyFired_DoesNotFireItAgain()
    {
        var op = NewOperator();
        var (store, timers) = NewKey();
        Process(op, store, timers, "k", [0], "a");
        FireTimers(op, store, timers, "k", 100);

        var again = FireTimers(op, store, timers, "k", 100);

        Assert.Null(again.Records);
        Assert.Equal(0, timers.Count);
    }

    [Fact]
    public void FireTimers_WhenCallbackRegistersATimer_ReportsItAsAChange()
    {
        var op = NewOperator();
        var (store, timers) = NewKey();
        Process(op, store, timers, "k", [0], "chain");

        var fired = FireTimers(op, store, timers, "k", 100);

        // The fired timer is reported as consumed (so the subtask's timer index drops it), then the new one.
        Assert.Equal([new TimerChange(100, TimeDomain.EventTime, Deleted: true), new TimerChange(150, TimeDomain.EventTime, Deleted: false)], fired.Timers!);
    }

    [Fact]
    public void FireTimers_WhenProcessingTimeTimerFires_ReportsItsDomainAndNoTimestamp()
    {
        var op = NewOperator();
        var (store, timers) = NewKey();
        var registered = Process(op, store, timers, "k", [0], "processing:5000");

        var fired = op.FireTimers(store, timers, new KeyedTimerInput("k", TimeDomain.ProcessingTime, [5000], Watermark: long.MinValue, ProcessingTime: 5000));

        Assert.Contains(new TimerChange(5000, TimeDomain.ProcessingTime, Deleted: false), registered.Timers!);
        Assert.Equal(["timer k@5000 count=1 domain=ProcessingTime ts=none"], (string[])fired.Records!);
    }

    [Fact]
    public void Process_WhenFunctionUsesListAndMapState_KeepsThemPerKey()
    {
        var op = NewOperator();
        var (store, timers) = NewKey();

        Process(op, store, timers, "k", [1, 2, 3], "x", "y", "x");

        using (store.Enter())
        {
            Assert.Equal(["x", "y", "x"], new ListStateHandle<string>("seen").Get());
            var perItem = new MapStateHandle<string, int>("perItem");
            Assert.True(perItem.TryGetValue("x", out var xs));
            Assert.Equal(2, xs);
            Assert.True(perItem.TryGetValue("y", out var ys));
            Assert.Equal(1, ys);
        }
    }

    [Fact]
    public void Process_WhenFunctionThrows_WrapsTheErrorNamingOperatorAndKey()
    {
        var op = NewOperator();
        var (store, timers) = NewKey();

        var error = Assert.Throws<UserFunctionException>(() => Process(op, store, timers, "bob", [0, 0], "fine", "throw"));

        Assert.Equal(OperatorName, error.OperatorName);
        Assert.Contains($"'{OperatorName}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("key 'bob'", error.Message, StringComparison.Ordinal);
        Assert.Contains("record 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("bad click", error.Message, StringComparison.Ordinal);
        Assert.IsType<FormatException>(error.InnerException);
    }

    [Fact]
    public void FireTimers_WhenCallbackThrows_WrapsTheErrorNamingTheTimer()
    {
        var op = NewOperator();
        var (store, timers) = NewKey();
        Process(op, store, timers, "k", [900], "a");

        var error = Assert.Throws<UserFunctionException>(() => FireTimers(op, store, timers, "k", 1000));

        Assert.Contains("key 'k'", error.Message, StringComparison.Ordinal);
        Assert.Contains("timer at 1000", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EnsureOpen_WhenCalledRepeatedly_OpensTheFunctionOnce()
    {
        var function = new ClickCounter();
        var op = new ProcessOperator<string, string, string>(OperatorName, function);

        op.EnsureOpen("job-1");
        op.EnsureOpen("job-1");

        Assert.Equal(1, function.OpenCount);
        Assert.Equal("job-1", function.JobId);
        Assert.Equal(OperatorName, function.OperatorName);
    }

    [Fact]
    public void EnsureOpen_WhenOpenThrows_WrapsTheError()
    {
        var op = new ProcessOperator<string, string, string>(OperatorName, new FailingOpen());

        var error = Assert.Throws<UserFunctionException>(() => op.EnsureOpen("job"));

        Assert.Contains("while opening", error.Message, StringComparison.Ordinal);
        Assert.Equal(OperatorName, error.OperatorName);
    }

    private static ProcessOperator<string, string, string> NewOperator()
    {
        var op = new ProcessOperator<string, string, string>(OperatorName, new ClickCounter());
        op.EnsureOpen("job");
        return op;
    }

    private static (KeyedStateStore Store, KeyTimers Timers) NewKey() => (new KeyedStateStore(), new KeyTimers());

    private static (string[]? Records, TimerChange[]? Timers) Process(
        ProcessOperator<string, string, string> op, KeyedStateStore store, KeyTimers timers, string key, long[] timestamps, params string[] records)
    {
        var output = op.Process(store, timers, new KeyedInput(key, records, timestamps, Watermark: long.MinValue, ProcessingTime: 0));
        return ((string[]?)output.Records, output.Timers);
    }

    private static (string[]? Records, TimerChange[]? Timers) FireTimers(
        ProcessOperator<string, string, string> op, KeyedStateStore store, KeyTimers timers, string key, params long[] times)
    {
        var output = op.FireTimers(store, timers, new KeyedTimerInput(key, TimeDomain.EventTime, times, Watermark: times[^1], ProcessingTime: 0));
        return ((string[]?)output.Records, output.Timers);
    }

    /// <summary>
    /// Counts records per key and sets an event-time timer at timestamp + 100. Commands: "delete:T" deletes a timer,
    /// "processing:T" sets a processing-time timer, "chain" makes the timer at 100 set another at 150, "throw" fails.
    /// </summary>
    private sealed class ClickCounter : KeyedProcessFunction<string, string, string>
    {
        private IValueState<long> _count = null!;
        private IListState<string> _seen = null!;
        private IMapState<string, int> _perItem = null!;

        public int OpenCount { get; private set; }

        public string? JobId { get; private set; }

        public string? OperatorName { get; private set; }

        public override void Open(IRuntimeContext context)
        {
            OpenCount++;
            JobId = context.JobId;
            OperatorName = context.OperatorName;
            _count = context.GetState(new ValueStateDescriptor<long>("count"));
            _seen = context.GetListState(new ListStateDescriptor<string>("seen"));
            _perItem = context.GetMapState(new MapStateDescriptor<string, int>("perItem"));
        }

        public override void ProcessElement(string value, Context context, ICollector<string> output)
        {
            if (value == "throw")
            {
                throw new FormatException("bad click");
            }

            if (value.StartsWith("delete:", StringComparison.Ordinal))
            {
                context.TimerService.DeleteEventTimeTimer(long.Parse(value["delete:".Length..], System.Globalization.CultureInfo.InvariantCulture));
                return;
            }

            if (value.StartsWith("processing:", StringComparison.Ordinal))
            {
                context.TimerService.RegisterProcessingTimeTimer(long.Parse(value["processing:".Length..], System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                context.TimerService.RegisterEventTimeTimer((context.Timestamp ?? 0) + 100);
            }

            var count = _count.Value + 1;
            _count.Update(count);
            _seen.Add(value);
            _perItem.Put(value, _perItem.TryGetValue(value, out var n) ? n + 1 : 1);
            output.Collect($"{context.CurrentKey}={count}");
        }

        public override void OnTimer(long timestamp, OnTimerContext context, ICollector<string> output)
        {
            if (timestamp == 1000)
            {
                throw new InvalidOperationException("timer failed");
            }

            if (timestamp == 100 && _seen.Get().Contains("chain"))
            {
                context.TimerService.RegisterEventTimeTimer(150);
            }

            var ts = context.Timestamp is { } t ? t.ToString(System.Globalization.CultureInfo.InvariantCulture) : "none";
            output.Collect($"timer {context.CurrentKey}@{timestamp} count={_count.Value} domain={context.TimeDomain} ts={ts}");
        }
    }

    private sealed class FailingOpen : KeyedProcessFunction<string, string, string>
    {
        public override void Open(IRuntimeContext context) => throw new InvalidOperationException("no connection");

        public override void ProcessElement(string value, Context context, ICollector<string> output)
        {
        }
    }
}
