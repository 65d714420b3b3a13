using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.CompilerServices;
using Npgsql;
using Portal.Connectors.Rows;

namespace Portal.Connectors.Sources.Postgres;

/// <summary>
/// Streams rows from <c>COPY (SELECT …) TO STDOUT (FORMAT BINARY)</c>, parsing the format itself over a large
/// buffer. Npgsql's data reader (and its binary exporter) costs a call and a type-handler lookup per field and a
/// string per text value; this parser reads a row in one synchronous pass and decodes text into a reused buffer,
/// so a row allocates nothing. The bytes are the types' own send formats, so values equal the typed getters'.
/// </summary>
internal sealed class PostgresCopyReader : RowReader
{
    private static readonly byte[] Signature = [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xFF, (byte)'\r', (byte)'\n', 0];

    private readonly NpgsqlRawCopyStream _copy;
    private readonly PostgresReadKind[] _reads;
    private readonly string[] _names;
    private readonly string _relation;
    private byte[] _buffer = new byte[256 * 1024];
    private int _start;
    private int _end;
    private bool _headerRead;
    private bool _finished;
    private char[] _text = new char[64 * 1024];
    private long _row;

    public PostgresCopyReader(NpgsqlRawCopyStream copy, PostgresReadKind[] reads, string[] names, string relation)
    {
        _copy = copy;
        _reads = reads;
        _names = names;
        _relation = relation;
    }

    public override string Position => PositionOf(_row);

    public override string PositionOf(long row) => $"row {row.ToString(CultureInfo.InvariantCulture)} of {_relation}";

    public override async ValueTask<bool> ReadAsync(Cell[] row, CancellationToken cancellationToken)
    {
        if (_finished)
        {
            return false;
        }
        while (true)
        {
            var outcome = TryParse(row);
            if (outcome == ParseOutcome.Row)
            {
                _row++;
                return true;
            }
            if (outcome == ParseOutcome.End)
            {
                _finished = true;
                return false;
            }
            if (!await FillAsync(cancellationToken).ConfigureAwait(false))
            {
                throw new ConnectorException("source.postgres.truncated_row", $"reading {_relation} failed after {Position}: the COPY stream ended in the middle of a row");
            }
        }
    }

    private enum ParseOutcome
    {
        Row,
        End,
        NeedMore,
    }

    /// <summary>Parses the header (once) and one row from the buffered bytes; consumes nothing unless the row is complete.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private ParseOutcome TryParse(Cell[] row)
    {
        var data = _buffer.AsSpan(_start, _end - _start);
        var at = 0;
        if (!_headerRead)
        {
            if (data.Length < Signature.Length + 8)
            {
                return ParseOutcome.NeedMore;
            }
            if (!data[..Signature.Length].SequenceEqual(Signature))
            {
                throw new ConnectorException("source.postgres.not_binary_copy", $"reading {_relation} failed: not a binary COPY stream");
            }
            var extension = BinaryPrimitives.ReadInt32BigEndian(data[(Signature.Length + 4)..]);
            if (extension < 0 || data.Length < Signature.Length + 8 + extension)
            {
                return ParseOutcome.NeedMore;
            }
            at = Signature.Length + 8 + extension;
            _start += at;
            data = data[at..];
            at = 0;
            _headerRead = true;
        }
        if (data.Length < 2)
        {
            return ParseOutcome.NeedMore;
        }
        var fields = BinaryPrimitives.ReadInt16BigEndian(data);
        if (fields == -1)
        {
            _start += 2;
            return ParseOutcome.End;
        }
        if (fields != _reads.Length)
        {
            throw new ConnectorException("source.postgres.field_count", $"reading {_relation} failed: {fields} fields in a row, expected {_reads.Length}");
        }
        at = 2;
        var textUsed = 0;
        for (var i = 0; i < _reads.Length; i++)
        {
            if (data.Length - at < 4)
            {
                return ParseOutcome.NeedMore;
            }
            var length = BinaryPrimitives.ReadInt32BigEndian(data[at..]);
            at += 4;
            if (length < 0)
            {
                row[i] = Cell.Null;
                continue;
            }
            if (data.Length - at < length)
            {
                return ParseOutcome.NeedMore;
            }
            row[i] = PostgresBinaryValues.Decode(data.Slice(at, length), _reads[i], ref _text, ref textUsed, _names[i]);
            at += length;
        }
        _start += at;
        return ParseOutcome.Row;
    }

    /// <summary>Moves the unparsed rest to the front, grows the buffer for a row larger than it, and reads until it is full or the stream ends.</summary>
    private async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        var rest = _end - _start;
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, rest);
            _start = 0;
            _end = rest;
        }
        if (_end == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }
        var before = _end;
        try
        {
            // Npgsql hands out one CopyData message (one row) per read: keep reading until the buffer is full.
            while (_end < _buffer.Length)
            {
                var n = await _copy.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }
                _end += n;
            }
        }
        catch (PostgresException e)
        {
            throw new ConnectorException("source.postgres.read_failed", $"reading {_relation} failed after {Position}: {e.MessageText}", e);
        }
        return _end > before;
    }

    public override async ValueTask DisposeAsync()
    {
        if (!_finished)
        {
            // Stops the server instead of draining a stream nobody will read.
            try
            {
                await _copy.CancelAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or IOException)
            {
                // The connection is closed with the session anyway.
            }
        }
        await _copy.DisposeAsync().ConfigureAwait(false);
    }
}
