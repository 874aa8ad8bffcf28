using OrleansFlow.Execution;
using OrleansFlow.Graph;
using OrleansFlow.Keyed;
using OrleansFlow.State;
using OrleansFlow.Tests.Fixtures;
using OrleansFlow.Windowing;
using Ev = (string Key, long Value);

namespace OrleansFlow.Tests.Unit.Execution;

/// <summary>
/// Issue 13: the built-in sums are checked. A 64-bit sum of 9223372036854775807 and 1 for one key must fail the job
/// naming the operator, the key and (for windows) the window, never write -9223372036854775808.
/// </summary>
[Trait("Category", "Unit")]
public sealed class CheckedSumTests
{
    [Fact]
    public void KeyedSum_WhenALongSumOverflows_FailsNamingTheOperatorKeyAndValues()
    {
        var env = new StreamExecutionEnvironment(executor: null);
        env.FromCollection(Array.Empty<Ev>()).KeyBy(e => e.Key).Sum(e => e.Value).Name("Keyed Sum").Print();
        var op = env.Transformations.OfType<IKeyedTransformation>().Single().Operator;
        op.EnsureOpen("job");
        var records = new Ev[] { ("k", long.MaxValue), ("k", 1) };

        var error = Assert.Throws<UserFunctionException>(() => op.Process(new KeyedStateStore(), new KeyTimers(), new KeyedInput("k", records, null, long.MinValue, 0)));

        Assert.Equal("Keyed Sum", error.OperatorName);
        Assert.Contains("key 'k'", error.Message, StringComparison.Ordinal);
        Assert.Contains("the sum of the field overflows Int64: 9223372036854775807 + 1", error.Message, StringComparison.Ordinal);
        Assert.IsType<OverflowException>(error.InnerException);
    }

    [Fact]
    public void KeyedSum_WhenAnIntSumOfTheRecordItselfUnderflows_Fails()
    {
        var env = new StreamExecutionEnvironment(executor: null);
        env.FromCollection(Array.Empty<int>()).KeyBy(x => x % 2).Sum(x => x).Print();
        var op = env.Transformations.OfType<IKeyedTransformation>().Single().Operator;
        op.EnsureOpen("job");
        var records = new[] { int.MinValue, -2 };

        var error = Assert.Throws<UserFunctionException>(() => op.Process(new KeyedStateStore(), new KeyTimers(), new KeyedInput(0, records, null, long.MinValue, 0)));

        Assert.Contains("the sum of the field overflows Int32: -2147483648 + -2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void KeyedSum_WhenAPropertySumOverflows_NamesTheProperty()
    {
        var env = new StreamExecutionEnvironment(executor: null);
        env.FromCollection(Array.Empty<Counted>()).KeyBy(e => e.Key).Sum(e => e.Count).Print();
        var op = env.Transformations.OfType<IKeyedTransformation>().Single().Operator;
        op.EnsureOpen("job");
        var records = new Counted[] { new("k", long.MaxValue), new("k", 1) };

        var error = Assert.Throws<UserFunctionException>(() => op.Process(new KeyedStateStore(), new KeyTimers(), new KeyedInput("k", records, null, long.MinValue, 0)));

        Assert.Contains("the sum of field Count overflows Int64: 9223372036854775807 + 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void KeyedSum_WhenTheSumReachesExactlyLongMaxValue_EmitsIt()
    {
        var env = new StreamExecutionEnvironment(executor: null);
        env.FromCollection(Array.Empty<Ev>()).KeyBy(e => e.Key).Sum(e => e.Value).Print();
        var op = env.Transformations.OfType<IKeyedTransformation>().Single().Operator;
        op.EnsureOpen("job");
        var records = new Ev[] { ("k", long.MaxValue - 1), ("k", 1) };

        var output = (Ev[])op.Process(new KeyedStateStore(), new KeyTimers(), new KeyedInput("k", records, null, long.MinValue, 0)).Records!;

        Assert.Equal([("k", long.MaxValue - 1), ("k", long.MaxValue)], output);
    }

    [Fact]
    public void WindowSum_WhenALongSumOverflows_FailsNamingTheOperatorKeyAndWindow()
    {
        var h = KeyedOperatorHarness.Create((Ev e) => e.Key, k => k.Window(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(10))).Sum(e => e.Value));
        h.Element(("k", long.MaxValue), 1_000);

        var error = Assert.Throws<UserFunctionException>(() => h.Element(("k", 1), 2_000));

        Assert.Equal("Window Sum", error.OperatorName);
        Assert.Contains("key 'k', window TimeWindow[0, 10000)", error.Message, StringComparison.Ordinal);
        Assert.Contains("overflows Int64: 9223372036854775807 + 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WindowReduce_WhenSessionsMergeAndTheMergedSumOverflows_FailsNamingTheMergedWindow()
    {
        var h = KeyedOperatorHarness.Create((Ev e) => e.Key, k => k.Window(EventTimeSessionWindows.WithGap(TimeSpan.FromMilliseconds(10))).Sum(e => e.Value));
        h.Element(("k", long.MaxValue), 0);
        h.Element(("k", 1), 20);

        // [10, 20) touches both sessions [0, 10) and [20, 30) (Flink merges touching sessions): they merge into [0, 30).
        var error = Assert.Throws<UserFunctionException>(() => h.Element(("k", 0), 10));

        Assert.Contains("key 'k', window TimeWindow[0, 30)", error.Message, StringComparison.Ordinal);
        Assert.Contains("overflows Int64", error.Message, StringComparison.Ordinal);
    }

    public sealed record Counted(string Key, long Count);
}
