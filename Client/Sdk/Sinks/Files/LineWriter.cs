using System.Globalization;

namespace OrleansFlow.Sinks.Files;

/// <summary>
/// Writes one record as one line of a text sink. A format function makes a string per record; without one, a record
/// type that implements <see cref="ISpanFormattable"/> is formatted straight into a reused character buffer (no
/// string, and no boxing of value types, per line), and any other record is written as its <c>ToString()</c>.
/// </summary>
internal sealed class LineWriter<T>
{
    private readonly Func<T, string>? _format;
    private readonly ISpanFormatter? _spanFormatter;
    private char[] _buffer = new char[128];

    public LineWriter(Func<T, string>? format)
    {
        _format = format;
        if (format is null && typeof(ISpanFormattable).IsAssignableFrom(typeof(T)))
        {
            _spanFormatter = (ISpanFormatter)Activator.CreateInstance(typeof(SpanFormatter<>).MakeGenericType(typeof(T), typeof(T)))!;
        }
    }

    public void WriteLine(TextWriter writer, T record)
    {
        if (_format is not null)
        {
            writer.WriteLine(_format(record));
        }
        else if (_spanFormatter is not null)
        {
            int written;
            while (!_spanFormatter.TryFormat(record, _buffer, out written))
            {
                _buffer = new char[_buffer.Length * 2];
            }

            writer.WriteLine(_buffer.AsSpan(0, written));
        }
        else
        {
            writer.WriteLine(record?.ToString() ?? "null");
        }
    }

    private interface ISpanFormatter
    {
        bool TryFormat(T record, Span<char> destination, out int written);
    }

    /// <summary>Calls <see cref="ISpanFormattable.TryFormat"/> through a constrained generic, so value types are not boxed.</summary>
    private sealed class SpanFormatter<TFormattable> : ISpanFormatter
        where TFormattable : T, ISpanFormattable
    {
        public bool TryFormat(T record, Span<char> destination, out int written) =>
            ((TFormattable)record!).TryFormat(destination, out written, default, CultureInfo.InvariantCulture);
    }
}
