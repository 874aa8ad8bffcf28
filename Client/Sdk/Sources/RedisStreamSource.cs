using OrleansFlow.Sources.Redis;

namespace OrleansFlow.Sources;

/// <summary>
/// Reads the entries of a Redis stream in id order (<c>XREAD</c> after the last entry read, polling every
/// <see cref="PollInterval"/> when there is nothing new) and parses each into a record. Unbounded unless
/// <see cref="EndId"/> or <see cref="MaxEntries"/> is set.
/// <para>
/// Parallelism 1: one subtask reads the whole stream (to read faster, spread the data over several streams and
/// union their sources). The position is the id of the last entry read, encoded as <c>milliseconds &lt;&lt; 20 | sequence</c>
/// (milliseconds below 2^43, sequence numbers below 2^20; an entry whose id does not fit fails the job naming it);
/// a reader started at a position continues with the first entry after that id, so nothing is lost or read twice
/// as long as the stream is not trimmed past it.
/// </para>
/// <para>
/// Entries the parse function rejects follow the <see cref="BadRecordPolicy"/>: the job fails naming the stream and
/// entry id, or the entry goes to the error file with its id and reason. None is dropped silently.
/// </para>
/// </summary>
/// <typeparam name="T">Record type.</typeparam>
public sealed class RedisStreamSource<T> : ISource<T>
{
    private readonly RedisStreamId _startAfter = RedisStreamId.Zero;
    private readonly RedisStreamId? _endId;
    private readonly long? _maxEntries;
    private readonly TimeSpan _pollInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>Creates the source; <paramref name="parse"/> throws on an entry it cannot read.</summary>
    /// <param name="connectionString">A StackExchange.Redis configuration string, for example <c>localhost:6379</c>.</param>
    /// <param name="streamKey">The stream to read.</param>
    /// <param name="parse">Turns an entry into a record.</param>
    /// <param name="badRecords">What to do with entries <paramref name="parse"/> rejects; fail by default.</param>
    public RedisStreamSource(string connectionString, string streamKey, Func<RedisStreamEntry, T> parse, BadRecordPolicy? badRecords = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentException.ThrowIfNullOrEmpty(streamKey);
        ArgumentNullException.ThrowIfNull(parse);
        ConnectionString = connectionString;
        StreamKey = streamKey;
        Parse = parse;
        BadRecords = badRecords ?? BadRecordPolicy.Fail;
    }

    /// <summary>The stream being read.</summary>
    public string StreamKey { get; }

    /// <summary>Reading starts with the first entry after this id (<c>0-0</c>, the default, reads the whole stream).</summary>
    public string StartAfter
    {
        get => _startAfter.ToString();
        init
        {
            _startAfter = RedisStreamId.Parse(value);
            _startAfter.ToPosition(StreamKey);
        }
    }

    /// <summary>When set, the source ends after the entry with this id (or before the first entry after it).</summary>
    public string? EndId
    {
        get => _endId?.ToString();
        init => _endId = value is null ? null : RedisStreamId.Parse(value);
    }

    /// <summary>
    /// When set, the source ends after this many entries following <see cref="StartAfter"/> (bad entries count).
    /// A resumed reader counts the entries up to its position again, so the stream must not be trimmed; meant for tests.
    /// </summary>
    public long? MaxEntries
    {
        get => _maxEntries;
        init
        {
            if (value is < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(MaxEntries), value, "A count of entries cannot be negative.");
            }

            _maxEntries = value;
        }
    }

    /// <summary>How long a reader waits before asking again when the stream has nothing new (50 ms by default).</summary>
    public TimeSpan PollInterval
    {
        get => _pollInterval;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
            _pollInterval = value;
        }
    }

    /// <inheritdoc />
    public int MaxParallelism => 1;

    /// <inheritdoc />
    public bool IsBounded => _endId is not null || _maxEntries is not null;

    internal string ConnectionString { get; }

    internal Func<RedisStreamEntry, T> Parse { get; }

    internal BadRecordPolicy BadRecords { get; }

    internal RedisStreamId StartAfterId => _startAfter;

    internal RedisStreamId? EndIdValue => _endId;

    /// <inheritdoc />
    public ISourceReader<T> CreateReader(SourceReaderContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Parallelism != 1)
        {
            throw new InvalidOperationException($"A Redis stream is read by one subtask; the source of '{StreamKey}' got parallelism {context.Parallelism}.");
        }

        return new RedisStreamReader<T>(this, context.StartPosition);
    }
}
