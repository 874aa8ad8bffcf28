using OrleansFlow.Text;
using StackExchange.Redis;

namespace OrleansFlow.Sources.Redis;

/// <summary>
/// Reads a Redis stream for <see cref="RedisStreamSource{T}"/>: each batch is one <c>XREAD COUNT n</c> after the last
/// entry read; an empty answer waits one poll interval and returns an empty batch (so the task can do other work).
/// </summary>
internal sealed class RedisStreamReader<T> : ISourceReader<T>
{
    private const int CountPage = 10_000;
    private readonly RedisStreamSource<T> _source;
    private readonly bool _resumed;
    private readonly List<long> _batchPositions = [];
    private ConnectionMultiplexer? _connection;
    private RedisStreamId _last;
    private long? _consumed; // entries consumed after the start; tracked only with MaxEntries (null stays null)
    private bool _ended;

    public RedisStreamReader(RedisStreamSource<T> source, long? startPosition)
    {
        _source = source;
        _resumed = startPosition is not null;
        _last = startPosition is { } position ? RedisStreamId.FromPosition(position) : source.StartAfterId;
        Position = _last.ToPosition(source.StreamKey);
    }

    public long Position { get; private set; }

    public async ValueTask<bool> ReadBatchAsync(List<T> output, int maxRecords, CancellationToken cancellationToken)
    {
        _batchPositions.Clear();
        if (_ended)
        {
            return false;
        }

        cancellationToken.ThrowIfCancellationRequested();
        _connection ??= await ConnectionMultiplexer.ConnectAsync(_source.ConnectionString);
        var database = _connection.GetDatabase();
        var count = maxRecords;
        if (_source.MaxEntries is { } max)
        {
            _consumed ??= _resumed ? await CountConsumedAsync(database, max) : 0;
            if (_consumed >= max)
            {
                _ended = true;
                return false;
            }

            count = (int)Math.Min(count, max - _consumed.Value);
        }

        var entries = await database.StreamReadAsync(_source.StreamKey, _last.ToString(), count);
        if (entries.Length == 0)
        {
            await Task.Delay(_source.PollInterval, cancellationToken);
            return true;
        }

        foreach (var entry in entries)
        {
            var id = RedisStreamId.Parse(entry.Id.ToString());
            if (_source.EndIdValue is { } end && id > end)
            {
                _ended = true;
                break;
            }

            var position = id.ToPosition(_source.StreamKey);
            Accept(entry, id, position, output);
            _last = id;
            Position = position;
            _consumed++;
            if (id == _source.EndIdValue || _consumed >= _source.MaxEntries)
            {
                _ended = true;
                break;
            }
        }

        return !_ended;
    }

    public string DescribeRecord(int index) =>
        index < _batchPositions.Count ? Where(RedisStreamId.FromPosition(_batchPositions[index])) : $"Redis stream '{_source.StreamKey}'";

    public void Dispose() => _connection?.Dispose();

    private void Accept(StreamEntry entry, RedisStreamId id, long position, List<T> output)
    {
        var fields = new KeyValuePair<string, string>[entry.Values.Length];
        for (var i = 0; i < fields.Length; i++)
        {
            fields[i] = new KeyValuePair<string, string>(entry.Values[i].Name.ToString(), entry.Values[i].Value.ToString());
        }

        var parsed = new RedisStreamEntry(id.ToString(), fields);
        T record;
        try
        {
            record = _source.Parse(parsed);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            if (_source.BadRecords.ErrorFile is not { } errorFile)
            {
                throw new BadRecordException($"Bad record at {Where(id)}: {ControlCharacters.Escape(e.Message)} (entry: {Shorten(parsed.ToString())})", e);
            }

            BadRecordFile.Append(errorFile, $"{Where(id)}: {e.Message}: {parsed}\n");
            return;
        }

        output.Add(record);
        _batchPositions.Add(position);
    }

    /// <summary>How many entries after the start a reader resumed at its position has consumed (at most <paramref name="max"/>).</summary>
    private async Task<long> CountConsumedAsync(IDatabase database, long max)
    {
        long counted = 0;
        var from = _source.StartAfterId.Next();
        while (counted < max && from <= _last)
        {
            var page = await database.StreamRangeAsync(_source.StreamKey, from.ToString(), _last.ToString(), (int)Math.Min(CountPage, max - counted));
            if (page.Length == 0)
            {
                break;
            }

            counted += page.Length;
            from = RedisStreamId.Parse(page[^1].Id.ToString()).Next();
        }

        return counted;
    }

    private string Where(RedisStreamId id) => $"Redis stream '{_source.StreamKey}' entry {id}";

    private static string Shorten(string text) => ControlCharacters.Quote(text, 200);
}
