using OrleansFlow.Execution;
using OrleansFlow.Graph;
using OrleansFlow.Keyed;
using OrleansFlow.State;
using Tagged = (string Key, int Value, string Tag);

namespace OrleansFlow.Tests.Unit.Execution;

/// <summary>KeyedStream Sum/Min/Max/Reduce, run through the ReduceOperator their graph node creates.</summary>
[Trait("Category", "Unit")]
public sealed class RollingAggregationTests
{
    [Fact]
    public void Sum_WhenRecordsArrive_EmitsTheRunningSumForEveryRecord()
    {
        var op = KeyedOperatorOf<string, (string Word, int Count)>(s => s.KeyBy(x => x.Word).Sum(x => x.Count));
        var store = new KeyedStateStore();

        var first = Process(op, store, "a", ("a", 1), ("a", 2));
        var second = Process(op, store, "a", ("a", 10));

        Assert.Equal([("a", 1), ("a", 3)], first);
        Assert.Equal([("a", 13)], second);
    }

    [Fact]
    public void Sum_WhenOtherFieldsDiffer_KeepsTheFirstRecordsValues()
    {
        var op = KeyedOperatorOf<string, Sale>(s => s.KeyBy(x => x.Shop).Sum(x => x.Amount));
        var store = new KeyedStateStore();

        var output = Process(op, store, "s1", new Sale("s1", "first", 1.5m), new Sale("s1", "second", 2m), new Sale("s1", "third", 0.25m));

        Assert.Equal([1.5m, 3.5m, 3.75m], output.Select(o => o.Amount));
        Assert.All(output, o => Assert.Equal("first", o.Item));
    }

    [Fact]
    public void Sum_WhenRecordsAreMutableClasses_NeverChangesRecordsAlreadyEmitted()
    {
        var op = KeyedOperatorOf<string, Counter>(s => s.KeyBy(x => x.Name).Sum(x => x.Value));
        var store = new KeyedStateStore();
        var input = new Counter { Name = "c", Value = 1 };

        var first = Process(op, store, "c", input);
        var later = Process(op, store, "c", new Counter { Name = "c", Value = 2 }, new Counter { Name = "c", Value = 3 });

        Assert.Equal(1, input.Value);
        Assert.Equal(1, first[0].Value);
        Assert.Equal([3, 6], later.Select(c => c.Value));
        Assert.Equal(3, later[0].Value);
    }

    [Fact]
    public void Sum_WhenRecordIsARecordClass_DoesNotMutateEmittedRecords()
    {
        var op = KeyedOperatorOf<string, Sale>(s => s.KeyBy(x => x.Shop).Sum(x => x.Amount));
        var store = new KeyedStateStore();

        var output = Process(op, store, "s", new Sale("s", "x", 1m), new Sale("s", "y", 1m), new Sale("s", "z", 1m));

        Assert.Equal([1m, 2m, 3m], output.Select(o => o.Amount));
        Assert.Equal(3, output.Distinct(ReferenceEqualityComparer.Instance).Count());
    }

    [Fact]
    public void Sum_WhenRecordIsAStruct_SumsTheField()
    {
        var op = KeyedOperatorOf<string, Reading>(s => s.KeyBy(x => x.Sensor).Sum(x => x.Value));
        var store = new KeyedStateStore();

        var output = Process(op, store, "t", new Reading("t", 0.5, 1), new Reading("t", 1.5, 2));

        Assert.Equal([0.5, 2.0], output.Select(r => r.Value));
        Assert.All(output, r => Assert.Equal(1, r.Time));
    }

    [Fact]
    public void Sum_WhenSelectorIsTheRecord_SumsTheValues()
    {
        var op = KeyedOperatorOf<long, long>(s => s.KeyBy(x => x % 2).Sum(x => x));
        var store = new KeyedStateStore();

        Assert.Equal([1L, 4L, 9L], Process(op, store, 1L, 1L, 3L, 5L));
    }

    [Fact]
    public void Sum_WhenKeysUseDifferentStores_KeepsSeparateRunningSums()
    {
        var op = KeyedOperatorOf<string, (string Word, int Count)>(s => s.KeyBy(x => x.Word).Sum(x => x.Count));
        var a = new KeyedStateStore();
        var b = new KeyedStateStore();

        Process(op, a, "a", ("a", 5));
        var fromB = Process(op, b, "b", ("b", 1));
        var fromA = Process(op, a, "a", ("a", 5));

        Assert.Equal([("b", 1)], fromB);
        Assert.Equal([("a", 10)], fromA);
        Assert.Equal([ReduceOperator<string, int>.StateName], a.Names);
    }

    [Fact]
    public void Sum_WhenSelectorIsNested_IsRejectedWhileBuildingTheGraph()
    {
        var env = new StreamExecutionEnvironment(executor: null);
        var keyed = env.FromCollection(new[] { new Outer(new Sale("s", "i", 1m)) }).KeyBy(x => x.Sale.Shop);

        var error = Assert.Throws<ArgumentException>(() => keyed.Sum(x => x.Sale.Amount));

        Assert.Contains("x.Sale.Amount", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Min_WhenSmallerValuesArrive_EmitsTheRunningMinimumWithTheFirstRecordsOtherFields()
    {
        var op = KeyedOperatorOf<string, Tagged>(s => s.KeyBy(x => x.Key).Min(x => x.Value));
        var store = new KeyedStateStore();

        var output = Process<Tagged>(op, store, "k", ("k", 5, "first"), ("k", 3, "second"), ("k", 7, "third"), ("k", 1, "fourth"));

        Assert.Equal([5, 3, 3, 1], output.Select(o => o.Value));
        Assert.All(output, o => Assert.Equal("first", o.Tag));
    }

    [Fact]
    public void Max_WhenLargerValuesArrive_EmitsTheRunningMaximumWithTheFirstRecordsOtherFields()
    {
        var op = KeyedOperatorOf<string, Tagged>(s => s.KeyBy(x => x.Key).Max(x => x.Value));
        var store = new KeyedStateStore();

        var output = Process<Tagged>(op, store, "k", ("k", 5, "first"), ("k", 3, "second"), ("k", 7, "third"));

        Assert.Equal([5, 5, 7], output.Select(o => o.Value));
        Assert.All(output, o => Assert.Equal("first", o.Tag));
    }

    [Fact]
    public void MaxBy_WhenLargerValuesArrive_EmitsTheWholeRecordWithTheLargestValue()
    {
        var op = KeyedOperatorOf<string, Tagged>(s => s.KeyBy(x => x.Key).MaxBy(x => x.Value));
        var store = new KeyedStateStore();

        var output = Process<Tagged>(op, store, "k", ("k", 5, "first"), ("k", 7, "second"), ("k", 7, "third"));

        Assert.Equal(["first", "second", "second"], output.Select(o => o.Tag));
    }

    [Fact]
    public void Reduce_WhenUserFunctionThrows_WrapsItNamingOperatorAndKey()
    {
        var op = KeyedOperatorOf<string, int>(s => s.KeyBy(x => "k").Reduce((_, _) => throw new InvalidOperationException("boom")));
        var store = new KeyedStateStore();

        var error = Assert.Throws<UserFunctionException>(() => Process(op, store, "k", 1, 2));

        Assert.Equal("Keyed Reduce", error.OperatorName);
        Assert.Contains("'Keyed Reduce'", error.Message, StringComparison.Ordinal);
        Assert.Contains("key 'k'", error.Message, StringComparison.Ordinal);
        Assert.Contains("record 1", error.Message, StringComparison.Ordinal);
        Assert.IsType<InvalidOperationException>(error.InnerException);
    }

    private static IKeyedOperator KeyedOperatorOf<TKey, T>(Func<DataStream<T>, DataStream<T>> build)
    {
        var env = new StreamExecutionEnvironment(executor: null);
        build(env.FromCollection(Array.Empty<T>())).Print();
        var op = env.Transformations.OfType<IKeyedTransformation>().Single().Operator;
        op.EnsureOpen("job");
        return op;
    }

    private static T[] Process<T>(IKeyedOperator op, KeyedStateStore store, object key, params T[] records)
    {
        var output = op.Process(store, new KeyTimers(), new KeyedInput(key, records, null, long.MinValue, 0));
        Assert.Null(output.Timers);
        return (T[])output.Records!;
    }

    public sealed record Sale(string Shop, string Item, decimal Amount);

    public sealed record Outer(Sale Sale);

    public readonly record struct Reading(string Sensor, double Value, long Time);

    public sealed class Counter
    {
        public string Name { get; set; } = string.Empty;

        public int Value { get; set; }
    }
}
