using System.Globalization;
using System.Text;

namespace Portal.Connectors.Sources.Files;

/// <summary>
/// A streaming RFC 4180 parser. Memory is bounded by the field and record limits, whatever the file holds;
/// every error names the file and the line the record started on. An empty unquoted field is null, "" is the empty string.
/// </summary>
internal sealed class CsvParser : IDisposable
{
    private const int ChunkBytes = 64 * 1024;

    private readonly Stream _stream;
    private readonly string _name;
    private readonly CsvOptions _options;
    private readonly Decoder _decoder;
    private readonly byte[] _bytes = new byte[ChunkBytes];
    private readonly char[] _chars;
    private int _charPos;
    private int _charLen;
    private bool _eof;
    private bool _first = true;
    private char[] _field = new char[256];
    private long _line = 1;

    public CsvParser(Stream stream, string name, CsvOptions options)
    {
        _stream = stream;
        _name = name;
        _options = options;
        var encoding = options.StrictEncoding();
        _decoder = encoding.GetDecoder();
        _chars = new char[encoding.GetMaxCharCount(ChunkBytes) + 2];
    }

    /// <summary>The line the last record started on (1-based, counting physical lines).</summary>
    public long RecordLine { get; private set; }

    public string Name => _name;

    /// <summary>Parses the next record into <paramref name="fields"/>; false at the end of the file.</summary>
    public async ValueTask<bool> ReadRecordAsync(List<string?> fields, CancellationToken cancellationToken)
    {
        fields.Clear();
        RecordLine = _line;
        var fieldLength = 0;
        long recordLength = 0;
        var quoted = false;
        var wasQuoted = false;
        var afterQuote = false;
        var any = false;
        var delimiter = _options.Delimiter;
        while (true)
        {
            if (_charPos == _charLen)
            {
                if (!await FillAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (quoted)
                    {
                        throw Error("source.csv.unclosed_quote", "a quoted field is not closed at the end of the file");
                    }
                    if (!any)
                    {
                        return false;
                    }
                    fields.Add(Field(fieldLength, wasQuoted));
                    return true;
                }
            }
            var c = _chars[_charPos++];
            any = true;
            if (++recordLength > _options.MaxRecordLength)
            {
                throw Error("source.csv.record_too_long", $"line too long: the record exceeds {_options.MaxRecordLength.ToString(CultureInfo.InvariantCulture)} characters");
            }
            if (quoted)
            {
                if (c == '"')
                {
                    quoted = false;
                    afterQuote = true;
                    continue;
                }
                if (c == '\n')
                {
                    _line++;
                }
                Append(c, ref fieldLength);
                continue;
            }
            if (afterQuote)
            {
                afterQuote = false;
                if (c == '"')
                {
                    // A doubled quote inside a quoted field.
                    quoted = true;
                    Append('"', ref fieldLength);
                    continue;
                }
                if (c != delimiter && c != '\n' && c != '\r')
                {
                    throw Error("source.csv.text_after_quote", $"unexpected character after the closing quote of field {(fields.Count + 1).ToString(CultureInfo.InvariantCulture)}");
                }
            }
            if (c == delimiter)
            {
                fields.Add(Field(fieldLength, wasQuoted));
                fieldLength = 0;
                wasQuoted = false;
                continue;
            }
            if (c == '\r' || c == '\n')
            {
                if (c == '\r' && await PeekAsync(cancellationToken).ConfigureAwait(false) == '\n')
                {
                    _charPos++;
                }
                _line++;
                fields.Add(Field(fieldLength, wasQuoted));
                return true;
            }
            if (c == '"')
            {
                if (fieldLength != 0 || wasQuoted)
                {
                    throw Error("source.csv.stray_quote", $"a quote inside unquoted field {(fields.Count + 1).ToString(CultureInfo.InvariantCulture)} (RFC 4180 requires the whole field to be quoted)");
                }
                quoted = true;
                wasQuoted = true;
                continue;
            }
            Append(c, ref fieldLength);
        }
    }

    private string? Field(int length, bool wasQuoted) =>
        length == 0 ? (wasQuoted ? string.Empty : null) : new string(_field, 0, length);

    private void Append(char c, ref int length)
    {
        if (length == _field.Length)
        {
            if (length >= _options.MaxFieldLength)
            {
                throw Error("source.csv.field_too_long", $"line too long: a field exceeds {_options.MaxFieldLength.ToString(CultureInfo.InvariantCulture)} characters");
            }
            Array.Resize(ref _field, Math.Min(_options.MaxFieldLength, length * 2));
        }
        _field[length++] = c;
    }

    private async ValueTask<int> PeekAsync(CancellationToken cancellationToken)
    {
        if (_charPos == _charLen && !await FillAsync(cancellationToken).ConfigureAwait(false))
        {
            return -1;
        }
        return _chars[_charPos];
    }

    private async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_eof)
            {
                return false;
            }
            var read = await _stream.ReadAsync(_bytes, cancellationToken).ConfigureAwait(false);
            _eof = read == 0;
            try
            {
                _charLen = _decoder.GetChars(_bytes, 0, read, _chars, 0, flush: _eof);
            }
            catch (DecoderFallbackException)
            {
                throw Error("source.csv.invalid_encoding", $"invalid {_options.Encoding} byte sequence", _line + LinesBefore(read));
            }
            _charPos = 0;
            if (_first && _charLen > 0)
            {
                _first = false;
                if (_chars[0] == '\uFEFF')
                {
                    _charPos = 1;
                }
            }
            if (_charPos < _charLen)
            {
                return true;
            }
        }
    }

    /// <summary>Finds the line of an invalid byte: decodes the failed chunk line by line with a fresh strict decoder.</summary>
    private long LinesBefore(int read)
    {
        var strict = _options.StrictEncoding();
        var start = 0;
        var lines = 0;
        for (var i = 0; i <= read; i++)
        {
            if (i == read || _bytes[i] == (byte)'\n')
            {
                try
                {
                    strict.GetCharCount(_bytes, start, i - start);
                }
                catch (DecoderFallbackException)
                {
                    return lines;
                }
                lines++;
                start = i + 1;
            }
        }
        return 0;
    }

    private ConnectorException Error(string code, string message, long? line = null) =>
        new(code, $"{_name} line {(line ?? RecordLine).ToString(CultureInfo.InvariantCulture)}: {message}");

    public void Dispose() => _stream.Dispose();
}
