using OrleansFlow.Execution;
using OrleansFlow.Graph;
using OrleansFlow.Jobs;
using OrleansFlow.Sinks;

namespace OrleansFlow.Runtime;

/// <summary>
/// The operators of one subtask, wired tail first: channel outputs (or a sink) at the end, chained one-input
/// operators before them. <see cref="Collector"/> receives the head's input (or, for a source or keyed head, its
/// output). Side outputs have channel outputs of their own, reached through <see cref="SideOutputs"/> by tag.
/// </summary>
internal sealed class TaskChain
{
    private TaskChain(
        Transformation head,
        object collector,
        OperatorFactory factory,
        List<(EdgePlan, IChannelOutput)> outputs,
        List<ISinkCollector> sinks,
        Dictionary<string, IBatchPusher> sideOutputs,
        List<IPeriodicEmitter> periodic,
        Dictionary<int, ISinkCollector> sinksById,
        Dictionary<int, IWatermarkAssigner> assigners)
    {
        SinksById = sinksById;
        Assigners = assigners;
        Head = head;
        Collector = collector;
        Factory = factory;
        Outputs = outputs;
        Sinks = sinks;
        SideOutputs = sideOutputs;
        PeriodicEmitters = periodic;
    }

    public Transformation Head { get; }

    /// <summary>For a source or keyed head: the collector of the head's output; otherwise the collector of its input.</summary>
    public object Collector { get; }

    /// <summary>Builds the chain's runtime objects; its context is what the chain's operators share about the record in flight (its timestamp).</summary>
    public OperatorFactory Factory { get; }

    /// <summary>What the chain's operators share about the record in flight (its timestamp).</summary>
    public ChainContext Context => Factory.Context;

    /// <summary>Every channel output of the subtask, main and side.</summary>
    public IReadOnlyList<(EdgePlan Edge, IChannelOutput Output)> Outputs { get; }

    public IReadOnlyList<ISinkCollector> Sinks { get; }

    /// <summary>The chain's sinks by operator id (checkpoints record each sink's sealed state under its id).</summary>
    public IReadOnlyDictionary<int, ISinkCollector> SinksById { get; }

    /// <summary>The chain's timestamp and watermark assigners by operator id (checkpoints record their watermark).</summary>
    public IReadOnlyDictionary<int, IWatermarkAssigner> Assigners { get; }

    /// <summary>Pushers into the channel outputs of each side-output tag.</summary>
    public IReadOnlyDictionary<string, IBatchPusher> SideOutputs { get; }

    /// <summary>Operators that want a call every auto-watermark interval.</summary>
    public IReadOnlyList<IPeriodicEmitter> PeriodicEmitters { get; }

    public static TaskChain Build(JobGraph graph, VertexPlan vertex, TaskAddress address, TimeProvider time, Func<SinkTransformationInfo, SinkContext> sinkContext)
    {
        var plan = graph.Plan;
        var context = new ChainContext { Time = time };
        var factory = new OperatorFactory(context);
        var operators = vertex.OperatorIds.Select(graph.Operator).ToList();
        var tail = operators[^1];
        var outputs = new List<(EdgePlan, IChannelOutput)>();
        var sinks = new List<ISinkCollector>();
        var periodic = new List<IPeriodicEmitter>();
        var sideOutputs = new Dictionary<string, IBatchPusher>(StringComparer.Ordinal);
        var sinksById = new Dictionary<int, ISinkCollector>();
        var assigners = new Dictionary<int, IWatermarkAssigner>();

        IChannelOutput NewOutput(EdgePlan edge, Transformation carried)
        {
            var router = edge.Partition == PartitionKind.Hash ? ((IKeyedTransformation)graph.Operator(edge.Target)).InputRouter : null;
            var spec = new ChannelOutputSpec(edge.Partition, plan.Vertex(edge.Target).Parallelism, graph.Submission.Settings.MaxParallelism, address.Subtask, router, context);
            var output = (IChannelOutput)carried.CreateChannelOutput(factory, spec);
            outputs.Add((edge, output));
            return output;
        }

        foreach (var group in plan.OutputsOf(vertex.Id).Where(e => e.OutputTag is not null).GroupBy(e => e.OutputTag!))
        {
            var side = graph.Operator(group.First().SourceOperatorId);
            var collector = side.CreateFanOut(factory, group.Select(e => NewOutput(e, side).Collector).ToList());
            sideOutputs[group.Key] = (IBatchPusher)side.CreatePusher(factory, collector);
        }

        object? current = null;
        if (tail is not ISinkTransformation)
        {
            var collectors = plan.OutputsOf(vertex.Id).Where(e => e.OutputTag is null).Select(e => NewOutput(e, tail).Collector).ToList();
            current = collectors.Count == 0 ? tail.CreateDiscard(factory) : tail.CreateFanOut(factory, collectors);
        }

        for (var i = operators.Count - 1; i >= 0; i--)
        {
            var op = operators[i];
            if (op is ISinkTransformation sink)
            {
                var (collector, created) = sink.CreateWriter(factory, sinkContext(new SinkTransformationInfo(op.Id, op.Name, vertex.Parallelism)));
                var writer = (ISinkCollector)created;
                sinks.Add(writer);
                sinksById[op.Id] = writer;
                current = collector;
            }
            else if (op is IOneInputTransformation oneInput)
            {
                current = oneInput.CreateOperator(factory, current!);
                if (current is IPeriodicEmitter emitter)
                {
                    periodic.Add(emitter);
                }

                if (current is IWatermarkAssigner assigner)
                {
                    assigners[op.Id] = assigner;
                }
            }
            else
            {
                break;
            }
        }

        return new TaskChain(operators[0], current!, factory, outputs, sinks, sideOutputs, periodic, sinksById, assigners);
    }
}

/// <summary>The identity of a sink operator, for building its context.</summary>
internal readonly record struct SinkTransformationInfo(int OperatorId, string Name, int Parallelism);
