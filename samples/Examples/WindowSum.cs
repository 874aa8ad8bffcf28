using System.Globalization;

namespace OrleansFlow.Examples;

/// <summary>
/// One firing of the window-sum job: its text is the output line <c>key,window_start,window_end,sum</c>, with empty
/// start and end fields for the global window. Written by the text sink without a string per line.
/// </summary>
/// <param name="Key">The key.</param>
/// <param name="Start">The window's start (inclusive, epoch ms); <see cref="long.MinValue"/> with <paramref name="End"/>
/// <see cref="long.MaxValue"/> for the global window.</param>
/// <param name="End">The window's end (exclusive, epoch ms).</param>
/// <param name="Sum">The sum of the window's values.</param>
[GenerateSerializer, Immutable, Alias("flow.examples.WindowSum")]
public readonly record struct WindowSum(
    [property: Id(0)] string Key,
    [property: Id(1)] long Start,
    [property: Id(2)] long End,
    [property: Id(3)] long Sum) : ISpanFormattable
{
    /// <summary>The sum of a key's global window.</summary>
    public static WindowSum Global(string key, long sum) => new(key, long.MinValue, long.MaxValue, sum);

    /// <summary>Whether this is the sum of a global window (no start or end).</summary>
    public bool IsGlobal => Start == long.MinValue && End == long.MaxValue;

    /// <inheritdoc />
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
    {
        charsWritten = 0;
        var rest = destination;
        if (!Append(ref rest, Key) || !Append(ref rest, ","))
        {
            return false;
        }

        if (!IsGlobal && !(Append(ref rest, Start) && Append(ref rest, ",") && Append(ref rest, End)))
        {
            return false;
        }

        if (!(IsGlobal ? Append(ref rest, ",,") : Append(ref rest, ",")) || !Append(ref rest, Sum))
        {
            return false;
        }

        charsWritten = destination.Length - rest.Length;
        return true;
    }

    /// <inheritdoc />
    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    /// <summary>The output line.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{this}");

    private static bool Append(ref Span<char> destination, ReadOnlySpan<char> text)
    {
        if (!text.TryCopyTo(destination))
        {
            return false;
        }

        destination = destination[text.Length..];
        return true;
    }

    private static bool Append(ref Span<char> destination, long value)
    {
        if (!value.TryFormat(destination, out var written, default, CultureInfo.InvariantCulture))
        {
            return false;
        }

        destination = destination[written..];
        return true;
    }
}
