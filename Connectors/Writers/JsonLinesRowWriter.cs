using System.Buffers;
using System.Text.Json;
using Portal.Connectors.Rows;

namespace Portal.Connectors.Writers;

/// <summary>One JSON object per line; numbers and booleans stay typed, dates are ISO strings, null is null.</summary>
internal sealed class JsonLinesRowWriter : RowWriter
{
    private const int FlushThreshold = 32 * 1024;

    private readonly Stream _stream;
    private readonly JsonEncodedText[] _names;
    private readonly ArrayBufferWriter<byte> _buffer = new(FlushThreshold * 2);
    private readonly Utf8JsonWriter _json;

    public JsonLinesRowWriter(IReadOnlyList<OutputColumn> columns, Stream stream)
    {
        _stream = stream;
        _names = columns.Select(c => JsonEncodedText.Encode(c.Name)).ToArray();
        _json = new Utf8JsonWriter(_buffer, new JsonWriterOptions { SkipValidation = true });
    }

    public override ValueTask WriteRowAsync(Cell[] row, CancellationToken cancellationToken)
    {
        AppendRow(_json, _buffer, _names, row);
        return _buffer.WrittenCount >= FlushThreshold ? FlushAsync(cancellationToken) : ValueTask.CompletedTask;
    }

    public override RowFormatter CreateFormatter() => new Formatter(_names);

    public override ValueTask WriteFormattedAsync(ReadOnlySpan<byte> formatted, int units, CancellationToken cancellationToken)
    {
        _buffer.Write(formatted);
        return _buffer.WrittenCount >= FlushThreshold ? FlushAsync(cancellationToken) : ValueTask.CompletedTask;
    }

    private static void AppendRow(Utf8JsonWriter json, ArrayBufferWriter<byte> buffer, JsonEncodedText[] names, Cell[] row)
    {
        json.WriteStartObject();
        Span<char> scratch = stackalloc char[48];
        for (var i = 0; i < row.Length; i++)
        {
            json.WritePropertyName(names[i]);
            var cell = row[i];
            switch (cell.Kind)
            {
                case CellKind.Null:
                    json.WriteNullValue();
                    break;
                case CellKind.Text:
                    json.WriteStringValue(cell.Text.Span);
                    break;
                case CellKind.Integer:
                    json.WriteNumberValue(cell.Integer);
                    break;
                case CellKind.Real when double.IsFinite(cell.Real):
                    json.WriteNumberValue(cell.Real);
                    break;
                case CellKind.Boolean:
                    json.WriteBooleanValue(cell.Boolean);
                    break;
                case CellKind.Real:
                    json.WriteNullValue();
                    break;
                default:
                    cell.TryFormat(scratch, out var n);
                    json.WriteStringValue(scratch[..n]);
                    break;
            }
        }
        json.WriteEndObject();
        json.Flush();
        buffer.Write("\n"u8);
        json.Reset(buffer);
    }

    private async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        await _stream.WriteAsync(_buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
        _buffer.ResetWrittenCount();
        _json.Reset(_buffer);
    }

    public override ValueTask CompleteAsync(CancellationToken cancellationToken) =>
        _buffer.WrittenCount > 0 ? FlushAsync(cancellationToken) : ValueTask.CompletedTask;

    private sealed class Formatter(JsonEncodedText[] names) : RowFormatter
    {
        private readonly ArrayBufferWriter<byte> _scratch = new(1024);
        private Utf8JsonWriter? _json;

        public override ReadOnlySpan<byte> Format(Cell[] row, out int units)
        {
            _scratch.ResetWrittenCount();
            _json ??= new Utf8JsonWriter(_scratch, new JsonWriterOptions { SkipValidation = true });
            _json.Reset(_scratch);
            AppendRow(_json, _scratch, names, row);
            units = _scratch.WrittenCount;
            return _scratch.WrittenSpan;
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await _json.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
