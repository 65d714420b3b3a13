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
        _json.WriteStartObject();
        Span<char> scratch = stackalloc char[48];
        for (var i = 0; i < row.Length; i++)
        {
            _json.WritePropertyName(_names[i]);
            var cell = row[i];
            switch (cell.Kind)
            {
                case CellKind.Null:
                    _json.WriteNullValue();
                    break;
                case CellKind.Text:
                    _json.WriteStringValue(cell.Text.Span);
                    break;
                case CellKind.Integer:
                    _json.WriteNumberValue(cell.Integer);
                    break;
                case CellKind.Real when double.IsFinite(cell.Real):
                    _json.WriteNumberValue(cell.Real);
                    break;
                case CellKind.Boolean:
                    _json.WriteBooleanValue(cell.Boolean);
                    break;
                case CellKind.Real:
                    _json.WriteNullValue();
                    break;
                default:
                    cell.TryFormat(scratch, out var n);
                    _json.WriteStringValue(scratch[..n]);
                    break;
            }
        }
        _json.WriteEndObject();
        _json.Flush();
        _buffer.Write("\n"u8);
        _json.Reset(_buffer);
        return _buffer.WrittenCount >= FlushThreshold ? FlushAsync(cancellationToken) : ValueTask.CompletedTask;
    }

    private async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        await _stream.WriteAsync(_buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
        _buffer.ResetWrittenCount();
        _json.Reset(_buffer);
    }

    public override ValueTask CompleteAsync(CancellationToken cancellationToken) =>
        _buffer.WrittenCount > 0 ? FlushAsync(cancellationToken) : ValueTask.CompletedTask;

    public override async ValueTask DisposeAsync()
    {
        await _json.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
