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
        AppendRow(_output, row);
        return _output.FlushIfFullAsync(cancellationToken);
    }

    public override RowFormatter CreateFormatter() => new Formatter();

    public override ValueTask WriteFormattedAsync(ReadOnlySpan<byte> formatted, int units, CancellationToken cancellationToken)
    {
        _output.AppendUtf8(formatted, units);
        return _output.FlushIfFullAsync(cancellationToken);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AppendRow(TextOutput output, Cell[] row)
    {
        for (var i = 0; i < row.Length; i++)
        {
            if (i > 0)
            {
                output.Append(',');
            }
            var cell = row[i];
            if (cell.Kind == CellKind.Text)
            {
                AppendText(output, cell.Text.Span);
            }
            else if (!cell.IsNull)
            {
                var span = output.Reserve(cell.MaxFormattedLength);
                cell.TryFormat(span, out var n);
                output.Advance(n);
            }
        }
        output.Append("\r\n");
    }

    private void AppendText(ReadOnlySpan<char> text) => AppendText(_output, text);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AppendText(TextOutput output, ReadOnlySpan<char> text)
    {
        if (text.IndexOfAny(NeedsQuoting) < 0)
        {
            output.Append(text);
            return;
        }
        output.Append('"');
        foreach (var c in text)
        {
            if (c == '"')
            {
                output.Append('"');
            }
            output.Append(c);
        }
        output.Append('"');
    }

    private sealed class Formatter : RowFormatter
    {
        private readonly TextOutput _scratch = new(null);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public override ReadOnlySpan<byte> Format(Cell[] row, out int units)
        {
            AppendRow(_scratch, row);
            return _scratch.Take(out units);
        }
    }

    public override ValueTask CompleteAsync(CancellationToken cancellationToken) => _output.FlushAsync(cancellationToken);
}
