using System.Collections;

namespace OrleansFlow.Execution;

/// <summary>
/// A read-only list of one element that is also its own first enumerator, so handing one value to a function that
/// takes a sequence (a process-window function after a reduce or aggregate, once per window firing) costs at most
/// one object instead of a list and an enumerator; the window operator reuses one per call (<see cref="Refill"/>), as
/// the elements a process-window function gets are only valid during its call. Later enumerations get an enumerator
/// of their own.
/// </summary>
/// <typeparam name="T">Element type.</typeparam>
internal sealed class OneElement<T>(T value) : IReadOnlyList<T>, IEnumerator<T>
{
    private const int Fresh = 0;
    private const int Before = 1;
    private const int On = 2;
    private const int After = 3;
    private int _state;

    public int Count => 1;

    /// <summary>Makes this the fresh list of <paramref name="element"/>.</summary>
    public OneElement<T> Refill(T element)
    {
        value = element;
        _state = Fresh;
        return this;
    }

    public T Current => _state == On ? value : default!;

    object? IEnumerator.Current => Current;

    public T this[int index] => index == 0 ? value : throw new ArgumentOutOfRangeException(nameof(index), index, "The list has one element.");

    public IEnumerator<T> GetEnumerator()
    {
        if (_state == Fresh)
        {
            _state = Before;
            return this;
        }

        return new OneElement<T>(value) { _state = Before };
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public bool MoveNext()
    {
        _state = _state == Before ? On : After;
        return _state == On;
    }

    public void Reset() => _state = Before;

    public void Dispose()
    {
    }
}
