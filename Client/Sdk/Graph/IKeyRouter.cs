using System.Runtime.CompilerServices;

namespace OrleansFlow.Graph;

/// <summary>Extracts a record's key, formats it for grain identities and routes it to a subtask by a stable hash.</summary>
internal interface IKeyRouter<in T>
{
    /// <summary>The subtask (of <paramref name="parallelism"/>) that owns the record's key.</summary>
    int Route(T record, int parallelism, int maxParallelism);
}

/// <summary>A key router for key type <typeparamref name="TKey"/>.</summary>
internal sealed class KeyRouter<T, TKey>(Func<T, TKey> selector) : IKeyRouter<T>
    where TKey : notnull
{
    public Func<T, TKey> Selector { get; } = selector;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int Route(T record, int parallelism, int maxParallelism) =>
        KeyGroups.SubtaskFor(KeyFormat.StableHash(Key(record)), maxParallelism, parallelism);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public TKey Key(T record) => Selector(record) ?? throw new InvalidOperationException("The key selector returned null; keys must not be null.");
}
