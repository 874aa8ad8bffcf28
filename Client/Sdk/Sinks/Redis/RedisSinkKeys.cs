using System.Globalization;
using StackExchange.Redis;

namespace OrleansFlow.Sinks.Redis;

/// <summary>
/// The keys of one sink subtask's pending output, all under a scope <c>{target}:orleansflow:{job}:{operator}:{subtask}</c>:
/// <list type="bullet">
/// <item><c>{scope}:{writer}:open</c>: a list of the records a writer staged since its last barrier;</item>
/// <item><c>{scope}:{writer}:{checkpoint:D19}</c>: a list sealed for a checkpoint (the final part has id <see cref="long.MaxValue"/>);</item>
/// <item><c>{scope}:parts</c>: a hash from each staging list's name to its checkpoint id (or <c>open</c>), so a restart finds them;</item>
/// <item><c>{scope}:committed</c>: the last checkpoint moved to the target (19 digits).</item>
/// </list>
/// Every key carries the target's hash tag, so all of them live in the target's slot on a Redis Cluster, as a Lua
/// script touching several keys requires.
/// </summary>
internal sealed class RedisSinkKeys(string scope)
{
    public const string OpenMarker = "open";

    public string Scope { get; } = scope;

    public RedisKey Registry => Scope + ":parts";

    public RedisKey Committed => Scope + ":committed";

    public static string ScopeFor(string targetKey, SinkContext context) =>
        string.Create(CultureInfo.InvariantCulture, $"{HashTagged(targetKey)}:orleansflow:{context.JobId}:{context.OperatorId}:{context.Subtask}");

    public string Open(string writer) => $"{Scope}:{writer}:{OpenMarker}";

    public string Sealed(string writer, long checkpointId) => string.Create(CultureInfo.InvariantCulture, $"{Scope}:{writer}:{checkpointId:D19}");

    public bool BelongsTo(string stagingKey, string writer) => stagingKey.StartsWith($"{Scope}:{writer}:", StringComparison.Ordinal);

    /// <summary>A checkpoint id as the scripts compare it: 19 digits.</summary>
    public static string Id(long checkpointId) => checkpointId.ToString("D19", CultureInfo.InvariantCulture);

    public static long ParseId(string text) => long.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);

    /// <summary>
    /// The key itself when it has a hash tag (a non-empty <c>{...}</c>), else the key wrapped in braces: either way a
    /// key starting with the result hashes to the target's slot. (Not so for a key holding a '}' without a hash tag:
    /// on a Redis Cluster the scripts then fail with CROSSSLOT; a single server does not care.)
    /// </summary>
    public static string HashTagged(string key)
    {
        var open = key.IndexOf('{', StringComparison.Ordinal);
        var close = open < 0 ? -1 : key.IndexOf('}', open + 1);
        return close > open + 1 ? key : "{" + key + "}";
    }
}
