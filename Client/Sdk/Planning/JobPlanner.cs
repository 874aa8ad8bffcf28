using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using OrleansFlow.Graph;
using OrleansFlow.Jobs;

namespace OrleansFlow.Planning;

/// <summary>
/// Turns the logical graph into a physical plan, as Flink's StreamGraph to JobGraph step: resolves virtual nodes
/// into edges, fixes each operator's parallelism and chains forward-connected operators into vertices.
/// </summary>
internal static class JobPlanner
{
    public static JobPlan Plan(IReadOnlyList<Transformation> graph, int defaultParallelism)
    {
        var real = graph.Where(t => !t.IsVirtual).ToList();
        if (real.Count == 0)
        {
            throw new InvalidOperationException("The job has no operators. Add a source and a sink before executing.");
        }

        if (!real.Any(t => t.Kind == "Sink"))
        {
            throw new InvalidOperationException("The job has no sink, so it would compute nothing visible. Add Print(), WriteAsText(...), SinkTo(...) or Collect().");
        }

        var parallelism = real.ToDictionary(t => t.Id, t => ParallelismOf(t, defaultParallelism));
        var inputs = real.ToDictionary(t => t.Id, t => ResolveInputs(t, parallelism).ToList());
        var consumers = real.ToDictionary(t => t.Id, _ => 0);
        foreach (var edge in inputs.Values.SelectMany(e => e).Where(e => e.SideOutput is null))
        {
            consumers[edge.Upstream.Id]++;
        }

        var head = new Dictionary<int, int>();
        foreach (var node in real.OrderBy(t => t.Id))
        {
            var chainable = inputs[node.Id] is [var only]
                && only.Partition == PartitionKind.Forward
                && only.SideOutput is null
                && consumers[only.Upstream.Id] == 1
                && node.ChainingEnabled && only.Upstream.ChainingEnabled
                && node is not IKeyedTransformation;
            head[node.Id] = chainable ? head[inputs[node.Id][0].Upstream.Id] : node.Id;
        }

        var vertices = real.GroupBy(t => head[t.Id]).OrderBy(g => g.Key).Select(g =>
        {
            var chain = g.OrderBy(t => t.Id).ToList();
            var first = chain[0];
            return new VertexPlan(
                first.Id,
                string.Join(" -> ", chain.Select(t => t.Name)),
                parallelism[first.Id],
                chain.Select(t => t.Id).ToList(),
                IsSource: first.Inputs.Count == 0,
                KeyedOperatorId: first is IKeyedTransformation ? first.Id : null);
        }).ToList();

        var edges = real.Where(t => head[t.Id] == t.Id)
            .SelectMany(t => inputs[t.Id].Select(e => new EdgePlan(head[e.Upstream.Id], t.Id, e.Partition, InputIndex: 0, e.SideOutput?.Id ?? e.Upstream.Id, e.SideOutput?.Tag)))
            .ToList();
        if (real.Where(t => t.Uid is not null).GroupBy(t => t.Uid, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } shared)
        {
            throw new InvalidOperationException(
                $"Operators {string.Join(" and ", shared.Select(t => $"'{t.Name}'"))} have the same uid '{shared.Key}'; uids must be unique within a job.");
        }

        var operators = real.Select(t => new OperatorPlan(t.Id, t.Name, t.Uid, t.Kind, head[t.Id])).ToList();
        return new JobPlan(vertices, edges, operators, Fingerprint(graph));
    }

    /// <summary>A digest of the graph's shape (ids, kinds, names, types, inputs) that every silo must reproduce.</summary>
    public static string Fingerprint(IReadOnlyList<Transformation> graph)
    {
        var text = new StringBuilder();
        foreach (var t in graph)
        {
            text.Append(CultureInfo.InvariantCulture, $"{t.Id}|{t.Kind}|{t.Name}|{t.OutputType.FullName}|{string.Join(',', t.Inputs.Select(i => i.Id))};");
        }

        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16];
    }

    private static int ParallelismOf(Transformation t, int defaultParallelism)
    {
        if (t.Parallelism is { } set)
        {
            if (set > t.MaxParallelism)
            {
                throw new InvalidOperationException($"Operator '{t.Name}' supports parallelism {t.MaxParallelism} at most, but {set} was set.");
            }

            return set;
        }

        return Math.Min(defaultParallelism, t.MaxParallelism);
    }

    private static IEnumerable<InputEdge> ResolveInputs(Transformation node, Dictionary<int, int> parallelism)
    {
        foreach (var input in node.Inputs)
        {
            foreach (var (upstream, partition, sideOutput) in Resolve(input, null, null))
            {
                var kind = partition ?? (parallelism[upstream.Id] == parallelism[node.Id] ? PartitionKind.Forward : PartitionKind.Rebalance);
                yield return new InputEdge(upstream, kind, sideOutput);
            }
        }
    }

    /// <summary>Walks from a consumer's input through virtual nodes to real operators; the partitioning nearest the consumer wins.</summary>
    private static IEnumerable<(Transformation Upstream, PartitionKind? Partition, ISideOutput? SideOutput)> Resolve(
        Transformation input, PartitionKind? partition, ISideOutput? sideOutput)
    {
        switch (input)
        {
            case { IsVirtual: false }:
                yield return (input, partition, sideOutput);
                break;
            case IPartitioning partitioning:
                foreach (var resolved in Resolve(input.Inputs[0], partition ?? partitioning.Partition, sideOutput))
                {
                    yield return resolved;
                }

                break;
            case ISideOutput side:
                foreach (var resolved in Resolve(input.Inputs[0], partition, side))
                {
                    yield return resolved;
                }

                break;
            default:
                foreach (var inner in input.Inputs)
                {
                    foreach (var resolved in Resolve(inner, partition, sideOutput))
                    {
                        yield return resolved;
                    }
                }

                break;
        }
    }

    private readonly record struct InputEdge(Transformation Upstream, PartitionKind Partition, ISideOutput? SideOutput);
}
