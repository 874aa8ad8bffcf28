using StackExchange.Redis;

namespace OrleansFlow.Silo;

/// <summary>
/// What a silo asks the Redis it is given, outside Orleans' providers: at start, whether the server keeps its data
/// across a restart (a Redis restarted empty loses the cluster's membership, job records and checkpoints); at a stop
/// that did not finish, whether the server still answers (the usual reason a stop hangs).
/// </summary>
internal static class RedisServerCheck
{
    /// <summary>
    /// The warning for a server with the persistence settings <paramref name="save"/> (<c>CONFIG GET save</c>) and
    /// <paramref name="appendOnly"/> (<c>CONFIG GET appendonly</c>), or null when it writes RDB snapshots or an
    /// append-only file.
    /// </summary>
    public static string? PersistenceWarning(string redis, string? save, string? appendOnly)
    {
        var snapshots = !string.IsNullOrWhiteSpace(save);
        var appendOnlyFile = string.Equals(appendOnly, "yes", StringComparison.OrdinalIgnoreCase);
        return snapshots || appendOnlyFile
            ? null
            : $"warning: Redis at {redis} has persistence off (save '{save}', appendonly '{appendOnly}'): a restart of it loses the cluster's jobs and checkpoints; see 'Redis for production' in docs/operations.md";
    }

    /// <summary>
    /// Asks the server for its persistence settings; the warning (see <see cref="PersistenceWarning"/>), a note when the
    /// server refuses <c>CONFIG</c> or does not answer within <paramref name="wait"/>, or null. Never throws for Redis' sake.
    /// </summary>
    public static async Task<string?> CheckPersistenceAsync(string redis, TimeSpan wait, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await ConnectAsync(redis, wait).WaitAsync(wait, cancellationToken);
            var server = connection.GetServer(connection.GetEndPoints()[0]);
            var save = await server.ConfigGetAsync("save").WaitAsync(wait, cancellationToken);
            var appendOnly = await server.ConfigGetAsync("appendonly").WaitAsync(wait, cancellationToken);
            return (Value(save, "save"), Value(appendOnly, "appendonly")) is (null, null)
                ? $"note: Redis at {redis} did not show its persistence settings (CONFIG GET answered nothing); make sure it keeps its data (docs/operations.md, 'Redis for production')"
                : PersistenceWarning(redis, Value(save, "save"), Value(appendOnly, "appendonly"));
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return $"note: could not read the persistence settings of Redis at {redis} ({e.GetType().Name}: {FirstLine(e.Message)}); make sure it keeps its data (docs/operations.md, 'Redis for production')";
        }
    }

    /// <summary>Why a stop may hang, as far as Redis goes: whether <paramref name="redis"/> answers a PING within <paramref name="wait"/>.</summary>
    public static async Task<string> DescribeAsync(string redis, TimeSpan wait) =>
        await AnswersAsync(redis, wait) ? $"Redis at {redis} answers" : NotAnswering(redis, wait);

    /// <summary>Whether <paramref name="redis"/> answers a PING within <paramref name="wait"/>.</summary>
    public static async Task<bool> AnswersAsync(string redis, TimeSpan wait)
    {
        try
        {
            await using var connection = await ConnectAsync(redis, wait).WaitAsync(wait);
            await connection.GetDatabase().PingAsync().WaitAsync(wait);
            return true;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return false;
        }
    }

    /// <summary>The field of Orleans' Redis membership table that holds its version; every other field is a silo.</summary>
    private const string MembershipVersionField = "Version";

    /// <summary>
    /// Why a client found no silo through <paramref name="redis"/>, as far as Redis can tell: it does not answer, or it
    /// lists no silo in the cluster's membership table (Orleans' Redis clustering keeps it as a hash under
    /// <c>SERVICE/members/CLUSTER</c>, a field per silo), which a Redis flushed or restarted without persistence loses
    /// while its silos run on unseen. Null when silos are listed (they may be stopped, or not answering).
    /// </summary>
    public static async Task<string?> DescribeMembershipAsync(string redis, string serviceId, string clusterId, TimeSpan wait)
    {
        try
        {
            await using var connection = await ConnectAsync(redis, wait).WaitAsync(wait);
            // Where Orleans' Redis clustering keeps the table (the key silos and clients use unless configured otherwise).
            var key = Orleans.Clustering.Redis.RedisClusteringOptions.DefaultCreateRedisKey(new Orleans.Configuration.ClusterOptions { ServiceId = serviceId, ClusterId = clusterId });
            var fields = await connection.GetDatabase().HashKeysAsync(key).WaitAsync(wait);
            return fields.Any(f => f != MembershipVersionField)
                ? null
                : $"Redis at {redis} has no silo registered for cluster '{clusterId}' of service '{serviceId}' (its membership table, key '{key}', " +
                  "lists none), as after Redis was flushed or restarted without persistence; restart the silos to register them again";
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return NotAnswering(redis, wait);
        }
    }

    private static string NotAnswering(string redis, TimeSpan wait) => $"Redis at {redis} did not answer within {wait.TotalSeconds:0.#} s";

    private static Task<ConnectionMultiplexer> ConnectAsync(string redis, TimeSpan wait)
    {
        var options = ConfigurationOptions.Parse(redis);
        options.AllowAdmin = true; // CONFIG GET
        options.AbortOnConnectFail = true;
        options.ConnectRetry = 0;
        options.ConnectTimeout = (int)wait.TotalMilliseconds;
        options.SyncTimeout = (int)wait.TotalMilliseconds;
        options.AsyncTimeout = (int)wait.TotalMilliseconds;
        return ConnectionMultiplexer.ConnectAsync(options, TextWriter.Null);
    }

    private static string? Value(KeyValuePair<string, string>[] pairs, string name) =>
        pairs.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();
}
