using System.Collections.Concurrent;

namespace OrleansFlow.Graph;

/// <summary>
/// Graphs built in this process and run by a silo embedded in it: their lambdas can be called directly, so they
/// need no job type. Entries are removed when their job ends.
/// </summary>
internal static class LocalGraphRegistry
{
    private static readonly ConcurrentDictionary<string, IReadOnlyList<Transformation>> Graphs = new(StringComparer.Ordinal);

    public static void Register(string id, IReadOnlyList<Transformation> graph) => Graphs[id] = graph;

    public static IReadOnlyList<Transformation> Get(string id) =>
        Graphs.TryGetValue(id, out var graph)
            ? graph
            : throw new InvalidOperationException($"Job graph '{id}' was built in another process; only IStreamJob types can run on remote silos.");

    public static void Remove(string id) => Graphs.TryRemove(id, out _);
}
