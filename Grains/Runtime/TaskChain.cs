using OrleansFlow.Execution;
using OrleansFlow.Graph;
using OrleansFlow.Jobs;
using OrleansFlow.Sinks;

namespace OrleansFlow.Runtime;

/// <summary>
/// The operators of one subtask, wired tail first: channel outputs (or a sink) at the end, chained one-input
/// operators before them. <see cref="Collector"/> receives the head's input (or, for a source or keyed head, its output).
/// </summary>
internal sealed class TaskChain
{
    private TaskChain(Transformation head, object collector, List<(EdgePlan, IChannelOutput)> outputs, List<ISinkCollector> sinks)
    {
        Head = head;
        Collector = collector;
        Outputs = outputs;
        Sinks = sinks;
    }

    public Transformation Head { get; }

    /// <summary>For a source or keyed head: the collector of the head's output; otherwise the collector of its input.</summary>
    public object Collector { get; }

    public IReadOnlyList<(EdgePlan Edge, IChannelOutput Output)> Outputs { get; }

    public IReadOnlyList<ISinkCollector> Sinks { get; }

    public static TaskChain Build(JobGraph graph, VertexPlan vertex, TaskAddress address, Func<SinkTransformationInfo, SinkContext> sinkContext)
    {
        var plan = graph.Plan;
        var operators = vertex.OperatorIds.Select(graph.Operator).ToList();
        var tail = operators[^1];
        var outputs = new List<(EdgePlan, IChannelOutput)>();
        var sinks = new List<ISinkCollector>();
        object? current = null;
        if (tail is not ISinkTransformation)
        {
            var collectors = new List<object>();
            foreach (var edge in plan.OutputsOf(vertex.Id))
            {
                var router = edge.Partition == PartitionKind.Hash ? ((IKeyedTransformation)graph.Operator(edge.Target)).InputRouter : null;
                var spec = new ChannelOutputSpec(edge.Partition, plan.Vertex(edge.Target).Parallelism, graph.Submission.Settings.MaxParallelism, address.Subtask, router);
                var output = tail.CreateChannelOutput(spec);
                outputs.Add((edge, output));
                collectors.Add(output.Collector);
            }

            current = collectors.Count == 0 ? tail.CreateDiscard() : tail.CreateFanOut(collectors);
        }

        for (var i = operators.Count - 1; i >= 0; i--)
        {
            var op = operators[i];
            if (op is ISinkTransformation sink)
            {
                var (collector, writer) = sink.CreateWriter(sinkContext(new SinkTransformationInfo(op.Id, op.Name, vertex.Parallelism)));
                sinks.Add(writer);
                current = collector;
            }
            else if (op is IOneInputTransformation oneInput)
            {
                current = oneInput.CreateOperator(current!);
            }
            else
            {
                break;
            }
        }

        return new TaskChain(operators[0], current!, outputs, sinks);
    }
}

/// <summary>The identity of a sink operator, for building its context.</summary>
internal readonly record struct SinkTransformationInfo(int OperatorId, string Name, int Parallelism);
