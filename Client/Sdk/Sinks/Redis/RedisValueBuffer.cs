using StackExchange.Redis;

namespace OrleansFlow.Sinks.Redis;

/// <summary>Records formatted by a Redis writer and not yet sent; pushed to a list in pipelined chunks.</summary>
internal sealed class RedisValueBuffer
{
    private const int ChunkSize = 10_000;
    private readonly List<RedisValue> _values = [];

    public int Count => _values.Count;

    public void Add(string value) => _values.Add(value);

    /// <summary>Appends the buffered values to the list <paramref name="key"/> in order and empties the buffer.</summary>
    public async Task PushAsync(IDatabaseAsync database, RedisKey key)
    {
        if (_values.Count == 0)
        {
            return;
        }

        var pushes = new List<Task<long>>((_values.Count / ChunkSize) + 1);
        for (var start = 0; start < _values.Count; start += ChunkSize)
        {
            var chunk = _values.GetRange(start, Math.Min(ChunkSize, _values.Count - start)).ToArray();
            pushes.Add(database.ListRightPushAsync(key, chunk));
        }

        await Task.WhenAll(pushes);
        _values.Clear();
    }
}
