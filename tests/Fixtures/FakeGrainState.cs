using Orleans.Storage;

namespace OrleansFlow.Tests.Fixtures;

/// <summary>
/// Grain state over an in-memory stored copy with an ETag checked on every write, as the Orleans providers do.
/// Reads and writes copy the value (<paramref name="copy"/>), so in-memory changes never reach the stored copy unwritten.
/// </summary>
public sealed class FakeGrainState<T>(T initial, Func<T, T> copy) : IPersistentState<T>
{
    private readonly T _initial = initial;
    private string? _storedEtag;

    public T State { get; set; } = initial;

    public string? Etag { get; private set; }

    public bool RecordExists => _storedEtag is not null;

    public T? Stored { get; private set; }

    public bool Unavailable { get; init; }

    public int Reads { get; private set; }

    public int WriteAttempts { get; private set; }

    /// <summary>Another writer (or an earlier write of ours that timed out) changes the stored copy and its ETag.</summary>
    public void StoreBehindOurBack(T value)
    {
        Stored = copy(value);
        _storedEtag = Guid.NewGuid().ToString("N");
    }

    public Task ReadStateAsync()
    {
        Reads++;
        State = Stored is null ? _initial : copy(Stored);
        Etag = _storedEtag;
        return Task.CompletedTask;
    }

    public Task WriteStateAsync()
    {
        WriteAttempts++;
        if (Unavailable)
        {
            throw new TimeoutException("storage is unreachable");
        }

        if (Etag != _storedEtag)
        {
            throw new InconsistentStateException("Version conflict", _storedEtag, Etag);
        }

        Stored = copy(State);
        _storedEtag = Etag = Guid.NewGuid().ToString("N");
        return Task.CompletedTask;
    }

    public Task ClearStateAsync()
    {
        Stored = default;
        _storedEtag = Etag = null;
        return Task.CompletedTask;
    }
}
