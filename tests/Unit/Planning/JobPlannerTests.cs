using OrleansFlow.Functions;
using OrleansFlow.Graph;
using OrleansFlow.Jobs;
using OrleansFlow.Planning;
using OrleansFlow.Sinks;

namespace OrleansFlow.Tests.Unit.Planning;

[Trait("Category", "Unit")]
public sealed class JobPlannerTests
{
    [Fact]
    public void Plan_WhenForwardOperatorsHaveEqualParallelism_ChainsThemIntoOneVertex()
    {
        var env = NewEnvironment(4);
        env.Generate(i => i, 100).Map(x => x + 1).Filter(x => x % 2 == 0).FlatMap(x => new[] { x, x }).Print();

        var plan = Plan(env);

        var vertex = Assert.Single(plan.Vertices);
        Assert.Equal([0, 1, 2, 3, 4], vertex.OperatorIds);
        Assert.Equal(4, vertex.Parallelism);
        Assert.True(vertex.IsSource);
        Assert.Null(vertex.KeyedOperatorId);
        Assert.Equal("Source: Generator Source -> Map -> Filter -> Flat Map -> Sink: Print to Std. Out", vertex.Name);
        Assert.Empty(plan.Edges);
        Assert.All(plan.Operators, o => Assert.Equal(vertex.Id, o.VertexId));
        Assert.Equal(4, plan.TaskCount);
    }

    [Fact]
    public void Plan_WhenKeyBy_MakesHashEdgeAndKeyedOperatorHeadsItsVertex()
    {
        var env = NewEnvironment(4);
        var source = env.Generate(i => i, 100).Map(x => x * 2);
        var summed = source.KeyBy(x => x % 10).Sum(x => x);
        summed.Map(x => x + 1).Print();

        var plan = Plan(env);

        var sum = Node(env, "Sum");
        var upstream = plan.Vertex(0);
        var keyed = plan.Vertex(sum.Id);
        Assert.Equal([0, source.Transformation.Id], upstream.OperatorIds);
        Assert.Equal(sum.Id, keyed.OperatorIds[0]);
        Assert.Equal(3, keyed.OperatorIds.Count);
        Assert.Equal(sum.Id, keyed.KeyedOperatorId);
        Assert.False(keyed.IsSource);
        var edge = Assert.Single(plan.Edges);
        Assert.Equal(new EdgePlan(0, sum.Id, PartitionKind.Hash, 0, source.Transformation.Id), edge);
    }

    [Fact]
    public void Plan_WhenKeyedOperatorFollowsAnotherKeyedOperator_EachHeadsItsOwnVertex()
    {
        var env = NewEnvironment(2);
        env.Generate(i => i, 100)
            .KeyBy(x => x % 3).Reduce((a, b) => a + b)
            .KeyBy(x => x % 5).Process(new PassThrough())
            .Print();

        var plan = Plan(env);

        Assert.Equal(3, plan.Vertices.Count);
        Assert.Equal(2, plan.Vertices.Count(v => v.KeyedOperatorId is not null));
        Assert.All(plan.Edges, e => Assert.Equal(PartitionKind.Hash, e.Partition));
        Assert.Equal("Keyed Process -> Sink: Print to Std. Out", plan.Vertices[^1].Name);
    }

    [Fact]
    public void Plan_WhenSinkHasParallelismOneAfterParallelOperator_UsesRebalanceEdge()
    {
        var env = NewEnvironment(4);
        var mapped = env.Generate(i => i, 100).Map(x => x + 1);
        var sink = mapped.Print().SetParallelism(1);

        var plan = Plan(env);

        Assert.Equal(2, plan.Vertices.Count);
        Assert.Equal(4, plan.Vertex(0).Parallelism);
        Assert.Equal(1, plan.Vertex(sink.Transformation.Id).Parallelism);
        var edge = Assert.Single(plan.Edges);
        Assert.Equal(new EdgePlan(0, sink.Transformation.Id, PartitionKind.Rebalance, 0, mapped.Transformation.Id), edge);
    }

    [Fact]
    public void Plan_WhenSinkWithParallelismOneFollowsKeyedOperator_KeepsKeyedVertexHashEdgeOnly()
    {
        var env = NewEnvironment(4);
        var sink = env.Generate(i => i, 100).KeyBy(x => x % 10).Sum(x => x).Print().SetParallelism(1);

        var plan = Plan(env);

        var sum = Node(env, "Sum");
        Assert.Equal(PartitionKind.Hash, plan.Edges.Single(e => e.Target == sum.Id).Partition);
        Assert.Equal(PartitionKind.Rebalance, plan.Edges.Single(e => e.Target == sink.Transformation.Id).Partition);
    }

    [Fact]
    public void Plan_WhenStreamsAreUnited_GivesTheConsumerOneInputEdgePerStream()
    {
        var env = NewEnvironment(4);
        var a = env.Generate(i => i, 10);
        var b = env.Generate(i => i + 100, 10);
        var c = env.FromCollection(new long[] { 7, 8 });
        var merged = a.Union(b, c).Map(x => x * 2);
        merged.Print();

        var plan = Plan(env);

        var map = merged.Transformation.Id;
        var inputs = plan.InputsOf(map).OrderBy(e => e.Source).ToList();
        Assert.Equal(3, inputs.Count);
        Assert.Equal(new EdgePlan(a.Transformation.Id, map, PartitionKind.Forward, 0, a.Transformation.Id), inputs[0]);
        Assert.Equal(new EdgePlan(b.Transformation.Id, map, PartitionKind.Forward, 0, b.Transformation.Id), inputs[1]);

        // The collection source runs with parallelism 1, so its records are spread over the four map subtasks.
        Assert.Equal(new EdgePlan(c.Transformation.Id, map, PartitionKind.Rebalance, 0, c.Transformation.Id), inputs[2]);
        Assert.Equal(4, plan.Vertices.Count);
        Assert.DoesNotContain(plan.Operators, o => o.Kind == "Union");
    }

    [Fact]
    public void Plan_WhenUnionIsKeyed_HashesEveryInput()
    {
        var env = NewEnvironment(2);
        var a = env.Generate(i => i, 10);
        var b = env.Generate(i => i, 10);
        a.Union(b).KeyBy(x => x).Sum(x => x).Print();

        var plan = Plan(env);

        var sum = Node(env, "Sum");
        var inputs = plan.InputsOf(sum.Id).ToList();
        Assert.Equal(2, inputs.Count);
        Assert.All(inputs, e => Assert.Equal(PartitionKind.Hash, e.Partition));
    }

    [Fact]
    public void Plan_WhenOperatorDisablesChaining_RunsItInAVertexOfItsOwn()
    {
        var env = NewEnvironment(4);
        var source = env.Generate(i => i, 100);
        var map = source.Map(x => x + 1).DisableChaining();
        var filter = map.Filter(x => x > 3);
        var sink = filter.Print();

        var plan = Plan(env);

        Assert.Equal(3, plan.Vertices.Count);
        Assert.Equal([source.Transformation.Id], plan.Vertex(source.Transformation.Id).OperatorIds);
        Assert.Equal([map.Transformation.Id], plan.Vertex(map.Transformation.Id).OperatorIds);
        Assert.Equal([filter.Transformation.Id, sink.Transformation.Id], plan.Vertex(filter.Transformation.Id).OperatorIds);
        Assert.All(plan.Edges, e => Assert.Equal(PartitionKind.Forward, e.Partition));
        Assert.Equal(2, plan.Edges.Count);
    }

    [Fact]
    public void Plan_WhenSinkDisablesChaining_GivesTheSinkItsOwnVertex()
    {
        var env = NewEnvironment(2);
        var source = env.Generate(i => i, 100);
        var sink = source.Print().DisableChaining();

        var plan = Plan(env);

        Assert.Equal(2, plan.Vertices.Count);
        Assert.Equal(new EdgePlan(source.Transformation.Id, sink.Transformation.Id, PartitionKind.Forward, 0, source.Transformation.Id), Assert.Single(plan.Edges));
    }

    [Fact]
    public void Plan_WhenRebalanceBetweenEqualParallelism_DoesNotChain()
    {
        var env = NewEnvironment(3);
        var source = env.Generate(i => i, 100);
        var map = source.Rebalance().Map(x => x + 1);
        map.Print();

        var plan = Plan(env);

        Assert.Equal(2, plan.Vertices.Count);
        Assert.Equal(PartitionKind.Rebalance, Assert.Single(plan.Edges).Partition);
        Assert.Equal(map.Transformation.Id, plan.Edges[0].Target);
    }

    [Fact]
    public void Plan_WhenKeyByFollowsRebalance_KeyByDecidesThePartitioning()
    {
        // As in Flink, the partitioning closest to the consumer wins: a keyed operator must always get hashed input,
        // or one key's records would be spread over several subtasks.
        var env = NewEnvironment(4);
        env.Generate(i => i, 100).Rebalance().KeyBy(x => x % 7).Sum(x => x).Print();

        var plan = Plan(env);

        var sum = Node(env, "Sum");
        Assert.Equal(PartitionKind.Hash, plan.Edges.Single(e => e.Target == sum.Id).Partition);
    }

    [Fact]
    public void Plan_WhenFromCollectionUnderParallelEnvironment_RunsSourceWithParallelismOne()
    {
        var env = NewEnvironment(4);
        var source = env.FromCollection(new[] { "a", "b" });
        var map = source.Map(s => s.ToUpperInvariant());
        map.Print();

        var plan = Plan(env);

        Assert.Equal(1, plan.Vertex(source.Transformation.Id).Parallelism);
        Assert.Equal(4, plan.Vertex(map.Transformation.Id).Parallelism);
        Assert.Equal(PartitionKind.Rebalance, Assert.Single(plan.Edges).Partition);
    }

    [Fact]
    public void SetParallelism_WhenSourceIsNonParallelCollection_Throws()
    {
        var env = NewEnvironment(4);
        var source = env.FromCollection(new[] { 1, 2, 3 });

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => source.SetParallelism(2));

        Assert.Contains("supports parallelism 1 at most", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, source.Transformation.Parallelism);
    }

    [Fact]
    public void Plan_WhenReadingTextFile_UsesTheDefaultParallelism()
    {
        var env = NewEnvironment(3);
        var source = env.ReadTextFile("/nonexistent/never-opened-at-build-time.txt");
        source.Print();

        var plan = Plan(env);

        var vertex = Assert.Single(plan.Vertices);
        Assert.Equal(3, vertex.Parallelism);
        Assert.Equal("Source: Read never-opened-at-build-time.txt -> Sink: Print to Std. Out", vertex.Name);
    }

    [Fact]
    public void Plan_WhenGraphHasNoSink_ThrowsNamingTheMissingSink()
    {
        var env = NewEnvironment(2);
        env.Generate(i => i, 10).Map(x => x + 1);

        var error = Assert.Throws<InvalidOperationException>(() => Plan(env));

        Assert.Contains("no sink", error.Message, StringComparison.Ordinal);
        Assert.Contains("Print()", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_WhenGraphIsEmpty_ThrowsNamingTheMissingOperators()
    {
        var env = NewEnvironment(2);

        var error = Assert.Throws<InvalidOperationException>(() => Plan(env));

        Assert.Contains("no operators", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_WhenOneStreamFeedsTwoSinks_DoesNotChainTheConsumers()
    {
        var env = NewEnvironment(2);
        var source = env.Generate(i => i, 10);
        var map = source.Map(x => x + 1);
        var print = map.Print();
        var discard = map.SinkTo(new DiscardingSink<long>(), "Discard");

        var plan = Plan(env);

        // The source feeds only the map, so those two chain; the map's two consumers each get a vertex.
        Assert.Equal(3, plan.Vertices.Count);
        Assert.Equal([source.Transformation.Id, map.Transformation.Id], plan.Vertex(0).OperatorIds);
        Assert.Equal([print.Transformation.Id], plan.Vertex(print.Transformation.Id).OperatorIds);
        Assert.Equal([discard.Transformation.Id], plan.Vertex(discard.Transformation.Id).OperatorIds);
        Assert.Equal(2, plan.OutputsOf(0).Count());
        Assert.All(plan.Edges, e =>
        {
            Assert.Equal(PartitionKind.Forward, e.Partition);
            Assert.Equal(map.Transformation.Id, e.SourceOperatorId);
        });
    }

    [Fact]
    public void Plan_WhenOperatorParallelismExceedsSourceMaximum_Throws()
    {
        var env = NewEnvironment(4);
        var source = env.FromCollection(new[] { 1 });
        source.Transformation.Parallelism = 3;
        source.Print();

        var error = Assert.Throws<InvalidOperationException>(() => Plan(env));

        Assert.Contains(source.Transformation.Name, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SetParallelism_WhenStreamIsOnlyAPartitioning_ThrowsNamingTheSetting()
    {
        var env = NewEnvironment(2);
        var rebalanced = env.Generate(i => i, 10).Rebalance();

        var error = Assert.Throws<InvalidOperationException>(() => rebalanced.SetParallelism(2));

        Assert.Contains("SetParallelism", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_WhenOperatorsAreNamed_ListsEveryOperatorWithItsVertex()
    {
        var env = NewEnvironment(2);
        var source = env.Generate(i => i, 10);
        var map = source.Map(x => x).Name("double").Uid("double-uid");
        var sink = map.KeyBy(x => x).Sum(x => x).Print().Name("out");

        var plan = Plan(env);

        Assert.Equal(4, plan.Operators.Count);
        var mapPlan = plan.FindOperator("double-uid");
        Assert.Equal(new OperatorPlan(map.Transformation.Id, "double", "double-uid", "Map", 0), mapPlan);
        Assert.Equal(plan.FindOperator("Sum").Id, plan.FindOperator("out").VertexId);
        Assert.Equal("Sink", plan.FindOperator("out").Kind);
        Assert.Equal(sink.Transformation.Id, plan.FindOperator("out").Id);
    }

    [Fact]
    public void Fingerprint_WhenSameJobIsBuiltTwice_IsEqual()
    {
        Assert.Equal(Plan(BuildJob("Parse")).Fingerprint, Plan(BuildJob("Parse")).Fingerprint);
        Assert.Equal(JobPlanner.Fingerprint(BuildJob("Parse").Transformations), JobPlanner.Fingerprint(BuildJob("Parse").Transformations));
    }

    [Fact]
    public void Fingerprint_WhenAnOperatorNameChanges_Differs()
    {
        Assert.NotEqual(Plan(BuildJob("Parse")).Fingerprint, Plan(BuildJob("Tokenize")).Fingerprint);
    }

    [Fact]
    public void Fingerprint_WhenAnOperatorIsInserted_Differs()
    {
        var plain = BuildJob("Parse");
        var env = NewEnvironment(2);
        env.Generate(i => i, 10).Map(x => x + 1).Name("Parse").Filter(x => x > 0).KeyBy(x => x % 3).Sum(x => x).Print();

        Assert.NotEqual(JobPlanner.Fingerprint(plain.Transformations), JobPlanner.Fingerprint(env.Transformations));
    }

    private static StreamExecutionEnvironment BuildJob(string mapName)
    {
        var env = NewEnvironment(2);
        env.Generate(i => i, 10).Map(x => x + 1).Name(mapName).KeyBy(x => x % 3).Sum(x => x).Print();
        return env;
    }

    private static StreamExecutionEnvironment NewEnvironment(int parallelism) =>
        new StreamExecutionEnvironment(executor: null).SetParallelism(parallelism);

    private static JobPlan Plan(StreamExecutionEnvironment env) => JobPlanner.Plan(env.Transformations, env.Parallelism);

    private static Transformation Node(StreamExecutionEnvironment env, string name) => env.Transformations.Single(t => t.Name == name);

    private sealed class PassThrough : KeyedProcessFunction<long, long, long>
    {
        public override void ProcessElement(long value, Context context, ICollector<long> output) => output.Collect(value);
    }
}
