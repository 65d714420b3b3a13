using System.Buffers;
using System.Runtime.CompilerServices;
using Portal.Connectors.Rows;

namespace Portal.Connectors.Writers;

/// <summary>RFC 4180 output: header line, CRLF line ends, fields quoted only when they need it; null is an empty unquoted field.</summary>
internal sealed class CsvRowWriter : RowWriter
{
    private static readonly SearchValues<char> NeedsQuoting = SearchValues.Create(",\"\r\n");

    private readonly TextOutput _output;

    private CsvRowWriter(Stream stream) => _output = new TextOutput(stream);

    public static async Task<CsvRowWriter> CreateAsync(IReadOnlyList<OutputColumn> columns, Stream stream, CancellationToken cancellationToken)
    {
        var writer = new CsvRowWriter(stream);
        for (var i = 0; i < columns.Count; i++)
        {
            if (i > 0)
            {
                writer._output.Append(',');
            }
            writer.AppendText(columns[i].Name);
        }
        writer._output.Append("\r\n");
        await writer._output.FlushIfFullAsync(cancellationToken).ConfigureAwait(false);
        return writer;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override ValueTask WriteRowAsync(Cell[] row, CancellationToken cancellationToken)
    {
        for (var i = 0; i < row.Length; i++)
        {
            if (i > 0)
            {
                _output.Append(',');
            }
            var cell = row[i];
            if (cell.Kind == CellKind.Text)
            {
                AppendText(cell.Text.Span);
            }
            else if (!cell.IsNull)
            {
                var span = _output.Reserve(cell.MaxFormattedLength);
                cell.TryFormat(span, out var n);
                _output.Advance(n);
            }
        }
        _output.Append("\r\n");
        return _output.FlushIfFullAsync(cancellationToken);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void AppendText(ReadOnlySpan<char> text)
    {
        if (text.IndexOfAny(NeedsQuoting) < 0)
        {
            _output.Append(text);
            return;
        }
        _output.Append('"');
        foreach (var c in text)
        {
            if (c == '"')
            {
                _output.Append('"');
            }
            _output.Append(c);
        }
        _output.Append('"');
    }

    public override ValueTask CompleteAsync(CancellationToken cancellationToken) => _output.FlushAsync(cancellationToken);
}
