using System.Globalization;
using System.Text.Json;
using System.Runtime.CompilerServices;

namespace OrleansFlow.Graph;

/// <summary>
/// Turns keys into the canonical text that names their per-key grain, and hashes keys the same way in every process
/// (string.GetHashCode is randomized per process, so it cannot route records between silos).
/// </summary>
internal static class KeyFormat
{
    private static readonly JsonSerializerOptions KeyJson = new() { IncludeFields = true };

    public static string Format<TKey>(TKey key)
        where TKey : notnull => key switch
        {
            string s => s,

            // The general format drops fractions of a second, which would give distinct keys one grain. Equal keys
            // still get equal text: DateTime compares ticks (not Kind), DateTimeOffset compares instants.
            DateTime d => d.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff", CultureInfo.InvariantCulture),
            DateTimeOffset o => o.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture),
            IFormattable f when IsSimple(typeof(TKey)) => f.ToString(null, CultureInfo.InvariantCulture),
            bool b => b ? "true" : "false",
            char c => c.ToString(),
            _ => JsonSerializer.Serialize(key, KeyJson),
        };

    public static int StableHash<TKey>(TKey key)
        where TKey : notnull => key switch
        {
            string s => Hash(s.AsSpan()),
            int i => Mix((uint)i),
            long l => Mix((uint)l ^ (uint)Mix((uint)(l >> 32))),
            _ => Hash(Format(key).AsSpan()),
        };

    private static bool IsSimple(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(decimal) || type == typeof(Guid) || type == typeof(DateTime) || type == typeof(DateTimeOffset);

    /// <summary>FNV-1a over UTF-16 code units, finished with a murmur3 avalanche.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static int Hash(ReadOnlySpan<char> text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return Mix(hash);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Mix(uint h)
    {
        h ^= h >> 16;
        h *= 0x85ebca6b;
        h ^= h >> 13;
        h *= 0xc2b2ae35;
        h ^= h >> 16;
        return (int)h;
    }
}
