using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Unicode;
using OrleansFlow.Text;

namespace OrleansFlow.Sources;

/// <summary>
/// Reads a UTF-8 text file line by line and parses each line into a record. Parallel subtasks read byte ranges:
/// a line belongs to the subtask whose range holds its first byte. The position is the byte offset of the next
/// line, so a reader can resume exactly. Lines the parse function rejects, and lines that are not valid UTF-8,
/// follow the <see cref="BadRecordPolicy"/> (an invalid line goes to the error file escaped: each invalid byte as
/// <c>\xNN</c>, each backslash as <c>\\</c>, so the file keeps the line's exact bytes). A file truncated or replaced
/// while it is read, or shorter than the position a reader resumes from, fails the reader with an
/// <see cref="InputFileChangedException"/>.
/// </summary>
/// <typeparam name="T">Record type.</typeparam>
public sealed class TextLineSource<T> : ISource<T>
{
    private readonly string _path;
    private readonly LineParser<T> _parse;
    private readonly BadRecordPolicy _badRecords;

    /// <summary>Creates the source; <paramref name="parse"/> throws on a line it cannot read.</summary>
    public TextLineSource(string path, Func<string, T> parse, BadRecordPolicy? badRecords = null)
        : this(path, ParseString(parse), badRecords)
    {
    }

    private TextLineSource(string path, LineParser<T> parse, BadRecordPolicy? badRecords)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(parse);
        _path = path;
        _parse = parse;
        _badRecords = badRecords ?? BadRecordPolicy.Fail;
    }

    /// <summary>
    /// A source whose <paramref name="parse"/> reads each line from its characters: no string per line (the reader
    /// decodes every line into one reused buffer). <paramref name="parse"/> throws on a line it cannot read.
    /// </summary>
    public static TextLineSource<T> FromSpans(string path, LineParser<T> parse, BadRecordPolicy? badRecords = null) => new(path, parse, badRecords);

    private static LineParser<T> ParseString(Func<string, T> parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        return line => parse(line.ToString());
    }

    /// <summary>The file being read.</summary>
    public string Path => _path;

    /// <inheritdoc />
    public int MaxParallelism => int.MaxValue;

    /// <inheritdoc />
    public bool IsBounded => true;

    /// <inheritdoc />
    public ISourceReader<T> CreateReader(SourceReaderContext context) => new Reader(this, context);

    private sealed class Reader : ISourceReader<T>
    {
        private static readonly Lock ErrorFileLock = new();
        private readonly TextLineSource<T> _source;
        private readonly FileStream _stream;
        private readonly long _splitEnd;
        private readonly InputFileWatch _watch;
        private readonly long _startPosition;
        private readonly List<long> _batchLines = [];
        private long? _linesBeforeStart;
        private long _lineIndex;
        private byte[] _buffer = new byte[1 << 20];
        private char[] _line = new char[256];
        private int _bufferStart;
        private int _bufferEnd;
        private long _bufferFileOffset;
        private bool _eof;

        public Reader(TextLineSource<T> source, SourceReaderContext context)
        {
            _source = source;
            try
            {
                _stream = new FileStream(source._path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new IOException($"Cannot read input file '{source._path}': {e.Message}", e);
            }

            _watch = new InputFileWatch(source._path);
            var length = _stream.Length;
            var splitStart = length * context.Subtask / context.Parallelism;
            _splitEnd = length * (context.Subtask + 1) / context.Parallelism;
            if (context.StartPosition is { } resume)
            {
                _watch.CheckResume(_stream, resume, ByteOrderMarkLength(_stream));
                Position = resume;
            }
            else
            {
                Position = splitStart == 0 ? ByteOrderMarkLength(_stream) : FirstLineStartAtOrAfter(splitStart);
            }

            _startPosition = Position;
            _bufferFileOffset = Position;
            _stream.Position = Position;
        }

        public long Position { get; private set; }

        public async ValueTask<bool> ReadBatchAsync(List<T> output, int maxRecords, CancellationToken cancellationToken)
        {
            _batchLines.Clear();
            _watch.Check(_stream, _bufferFileOffset + _bufferEnd);
            var lines = 0;
            while (lines < maxRecords)
            {
                if (Position >= _splitEnd)
                {
                    return false;
                }

                var newline = Array.IndexOf(_buffer, (byte)'\n', _bufferStart, _bufferEnd - _bufferStart);
                if (newline < 0 && !_eof)
                {
                    await FillAsync(cancellationToken);
                    continue;
                }

                var lineEnd = newline < 0 ? _bufferEnd : newline;
                if (newline < 0 && lineEnd == _bufferStart)
                {
                    return false;
                }

                var contentEnd = lineEnd > _bufferStart && _buffer[lineEnd - 1] == (byte)'\r' ? lineEnd - 1 : lineEnd;
                var lineIndex = _lineIndex++;
                var consumed = (newline < 0 ? lineEnd : lineEnd + 1) - _bufferStart;
                var lineStart = _bufferStart;
                _bufferStart += consumed;
                Position += consumed;
                lines++;
                var line = Decode(lineStart, contentEnd - lineStart);
                if (line >= 0)
                {
                    Accept(_line.AsSpan(0, line), lineIndex, output);
                }
                else
                {
                    RejectInvalidUtf8(_buffer.AsSpan(lineStart, contentEnd - lineStart), ~line, lineIndex);
                }
            }

            return Position < _splitEnd && !(_eof && _bufferStart == _bufferEnd);
        }

        public string DescribeRecord(int index) =>
            index < _batchLines.Count ? $"{_source._path} line {LineNumber(_batchLines[index])}" : $"{_source._path}";

        public void Dispose() => _stream.Dispose();

        /// <summary>
        /// Decodes <paramref name="count"/> bytes at <paramref name="start"/> into the line buffer; returns the number
        /// of characters, or the bitwise complement of the line's first invalid UTF-8 byte (never replaced by U+FFFD,
        /// which would merge lines that differ only in their invalid bytes).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private int Decode(int start, int count)
        {
            if (_line.Length < count)
            {
                _line = new char[Math.Max(count, _line.Length * 2)]; // UTF-8 never decodes to more characters than bytes
            }

            var status = Utf8.ToUtf16(_buffer.AsSpan(start, count), _line, out var read, out var written, replaceInvalidSequences: false);
            return status == OperationStatus.Done ? written : ~read;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Accept(ReadOnlySpan<char> text, long lineIndex, List<T> output)
        {
            T record;
            try
            {
                record = _source._parse(text);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Reject(lineIndex, e.Message, text.ToString(), e);
                return;
            }

            output.Add(record);
            _batchLines.Add(lineIndex);
        }

        private void RejectInvalidUtf8(ReadOnlySpan<byte> line, int invalidAt, long lineIndex) =>
            Reject(lineIndex, $"invalid UTF-8 (byte 0x{line[invalidAt]:X2} at byte {invalidAt + 1} of the line)", InvalidUtf8.Escape(line), inner: null);

        /// <summary>Fails with the line's number and <paramref name="reason"/>, or writes the line to the error file and goes on.</summary>
        private void Reject(long lineIndex, string reason, string line, Exception? inner)
        {
            var where = $"{_source._path} line {LineNumber(lineIndex)}";
            if (_source._badRecords.ErrorFile is not { } errorFile)
            {
                throw new BadRecordException($"Bad record at {where}: {ControlCharacters.Escape(reason)} (line: \"{Shorten(line)}\")", inner);
            }

            lock (ErrorFileLock)
            {
                File.AppendAllText(errorFile, $"{where}: {reason}: {line}\n");
            }
        }

        private async ValueTask FillAsync(CancellationToken cancellationToken)
        {
            if (_bufferStart > 0)
            {
                Buffer.BlockCopy(_buffer, _bufferStart, _buffer, 0, _bufferEnd - _bufferStart);
                _bufferFileOffset += _bufferStart;
                _bufferEnd -= _bufferStart;
                _bufferStart = 0;
            }

            if (_bufferEnd == _buffer.Length)
            {
                Array.Resize(ref _buffer, _buffer.Length * 2);
            }

            var read = await _stream.ReadAsync(_buffer.AsMemory(_bufferEnd), cancellationToken);
            _bufferEnd += read;
            _eof = read == 0;
            if (_eof)
            {
                _watch.CheckEnd(_bufferFileOffset + _bufferEnd, _splitEnd);
            }
        }

        /// <summary>3 when the file starts with a UTF-8 byte-order mark (which is not part of the first line), else 0.</summary>
        private static long ByteOrderMarkLength(FileStream stream)
        {
            Span<byte> head = stackalloc byte[3];
            var read = stream.Read(head);
            stream.Position = 0;
            return read == 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF ? 3 : 0;
        }

        private long FirstLineStartAtOrAfter(long offset)
        {
            using var probe = new FileStream(_source._path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            probe.Position = offset - 1;
            int b;
            while ((b = probe.ReadByte()) >= 0)
            {
                if (b == '\n')
                {
                    return probe.Position;
                }
            }

            return probe.Length;
        }

        /// <summary>
        /// The line number of the line <paramref name="lineIndex"/> lines after this reader's start: counted as the
        /// lines are read, plus the lines before the start, counted once from the file (which the checks above keep
        /// from changing under the count).
        /// </summary>
        private string LineNumber(long lineIndex)
        {
            _linesBeforeStart ??= LinesBefore(_startPosition);
            return (_linesBeforeStart.Value + lineIndex + 1).ToString(CultureInfo.InvariantCulture);
        }

        private long LinesBefore(long offset)
        {
            using var probe = new FileStream(_source._path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            var chunk = new byte[1 << 16];
            long remaining = offset;
            long newlines = 0;
            while (remaining > 0)
            {
                var read = probe.Read(chunk, 0, (int)Math.Min(chunk.Length, remaining));
                if (read == 0)
                {
                    break;
                }

                newlines += chunk.AsSpan(0, read).Count((byte)'\n');
                remaining -= read;
            }

            return newlines;
        }

        private static string Shorten(string line) => ControlCharacters.Quote(line, 80);
    }
}
