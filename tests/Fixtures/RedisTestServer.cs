using StackExchange.Redis;

namespace OrleansFlow.Tests.Fixtures;

/// <summary>
/// The Redis server of the Redis tests, at <c>ORLEANSFLOW_TEST_REDIS</c> (host:port), which ./run-tests starts and
/// exports. Each test class gets its own key prefix; its keys are deleted when the class is done. Without the
/// variable the tests fail (they are never skipped silently).
/// </summary>
public sealed class RedisTestServer : IAsyncLifetime
{
    public const string Variable = "ORLEANSFLOW_TEST_REDIS";
    private readonly string _run = Guid.NewGuid().ToString("N");
    private ConnectionMultiplexer? _connection;

    /// <summary>The server's host:port; fails (never skips) when the variable is not set.</summary>
    public static string Address => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } address
        ? address
        : throw new InvalidOperationException(
            $"{Variable} is not set. The Redis tests need a running redis-server: run the tests with ./run-tests, which starts one and " +
            $"exports {Variable}, or start one yourself (redis-server --port 6391 --save '' --appendonly no) and set {Variable}=127.0.0.1:6391.");

    public string ConnectionString { get; } = Address;

    public IDatabase Database => (_connection ?? throw new InvalidOperationException("Not connected.")).GetDatabase();

    /// <summary>A key no other test uses.</summary>
    public string Key(string name) => $"orleansflow-test:{_run}:{name}:{Guid.NewGuid():N}";

    /// <summary>Every key this class created (those of sinks include the target in a hash tag).</summary>
    public async Task<IReadOnlyList<string>> KeysAsync(string containing)
    {
        var server = _connection!.GetServers()[0];
        var keys = new List<string>();
        await foreach (var key in server.KeysAsync(pattern: $"*{containing}*"))
        {
            keys.Add(key.ToString());
        }

        return keys;
    }

    /// <summary>Deletes the keys matching <paramref name="pattern"/> (Redis glob syntax) on the first server of <paramref name="redis"/>.</summary>
    public static async Task DeleteKeysAsync(IConnectionMultiplexer redis, string pattern)
    {
        var keys = new List<RedisKey>();
        await foreach (var key in redis.GetServers()[0].KeysAsync(pattern: pattern))
        {
            keys.Add(key);
        }

        if (keys.Count > 0)
        {
            await redis.GetDatabase().KeyDeleteAsync([.. keys]);
        }
    }

    public async Task InitializeAsync()
    {
        try
        {
            _connection = await ConnectionMultiplexer.ConnectAsync(ConnectionString);
        }
        catch (RedisConnectionException e)
        {
            throw new InvalidOperationException($"No Redis server at {Variable}={ConnectionString}: {e.Message}. Run the tests with ./run-tests.", e);
        }
    }

    public async Task DisposeAsync()
    {
        if (_connection is null)
        {
            return;
        }

        await DeleteKeysAsync(_connection, $"*{_run}*");
        await _connection.DisposeAsync();
    }
}
