using System.Runtime.CompilerServices;

namespace OrleansFlow.Graph;

/// <summary>Maps key hashes to key groups and key groups to subtasks, as Flink does (contiguous key-group ranges).</summary>
internal static class KeyGroups
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int KeyGroupFor(int hash, int maxParallelism) => (int)((uint)hash % (uint)maxParallelism);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int SubtaskFor(int hash, int maxParallelism, int parallelism) =>
        KeyGroupFor(hash, maxParallelism) * parallelism / maxParallelism;
}
