using System.Buffers;
using System.Runtime.CompilerServices;
using Portal.Connectors.Anonymization;
using Portal.Connectors.Rows;
using Portal.Connectors.Sources;
using Portal.Connectors.Writers;

namespace Portal.Connectors;

/// <summary>
/// Writes pending rows once the class sizes are known, in their order: suppressed rows are dropped, delivered ones
/// transformed and written. Batches of rows are split between this thread and a helper thread that transforms and
/// formats its share (own transforms, own formatter): the per-row HMAC and the formatting are most of a delivered
/// row's cost, and once the class count is over the database needs little CPU. Without a helper (no second set of
/// transforms, or a format without independent rows: Parquet) everything runs on this thread.
/// </summary>
internal sealed class PendingDrain
{
    public const int BatchRows = 4096;

    // The helper's share: this thread also takes every row out of the buffer, looks its class up and copies the
    // helper's bytes to the writer.
    private const double HelperShare = 0.5;

    private readonly ExportPlan _plan;
    private readonly RowProcessor _processor;
    private readonly RowProcessor? _helper;
    private readonly RowFormatter? _formatter;
    private readonly ColumnOrdinals[] _columns;
    private readonly RowWriter _writer;
    private readonly RowReader _reader;
    private readonly int[] _stored;
    private readonly Cell[][] _cells;
    private readonly int[][] _ordinals;
    private readonly long[] _numbers = new long[BatchRows];
    private readonly Cell[] _output;
    private readonly Cell[] _helperOutput;
    private readonly ArrayBufferWriter<byte> _formatted = new(256 * 1024);
    private readonly List<(int Start, int Length, int Units)> _formattedRows = new(BatchRows);

    public PendingDrain(ExportPlan plan, RowProcessor processor, RowProcessor? helper, ColumnOrdinals[] columns, RowWriter writer, RowReader reader)
    {
        _plan = plan;
        _processor = processor;
        _formatter = helper is null ? null : writer.CreateFormatter();
        _helper = _formatter is null ? null : helper;
        _columns = columns;
        _writer = writer;
        _reader = reader;
        _stored = processor.PendingCells;
        _cells = Enumerable.Range(0, BatchRows).Select(_ => new Cell[plan.Output.Count + 1]).ToArray();
        _ordinals = Enumerable.Range(0, BatchRows).Select(_ => new int[columns.Length]).ToArray();
        _output = new Cell[plan.Output.Count];
        _helperOutput = new Cell[plan.Output.Count];
    }

    public long Suppressed { get; private set; }

    public long Written { get; private set; }

    /// <summary>Empties <paramref name="rows"/> into the writer.</summary>
    public async Task DrainAsync(PendingRows rows, ClassIndex classes, CancellationToken cancellationToken)
    {
        while (rows.Count > 0)
        {
            // A revoked grant cancels the export: a full buffer is ~1 M rows, checked every batch.
            cancellationToken.ThrowIfCancellationRequested();
            var n = TakeBatch(rows, classes);
            var mine = _helper is null || n < 64 ? n : n - (int)(n * HelperShare);
            var help = mine < n ? Task.Run(() => Format(mine, n), cancellationToken) : null;
            try
            {
                var j = 0;
                while (j < mine)
                {
                    // Synchronous while the writer's buffer takes the rows; awaits only a flush.
                    var flush = WriteRows(ref j, mine, cancellationToken);
                    await flush.ConfigureAwait(false);
                }
            }
            finally
            {
                if (help is not null && !help.IsCompleted)
                {
                    // The helper reads this batch's arrays: it must be done before they are reused or the export ends.
                    await Task.WhenAny(help).ConfigureAwait(false);
                }
            }
            if (help is not null)
            {
                await help.ConfigureAwait(false);
                var j = 0;
                while (j < _formattedRows.Count)
                {
                    var flush = WriteFormatted(ref j, cancellationToken);
                    await flush.ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>Takes up to a batch of rows out of <paramref name="rows"/>: suppressed ones are counted, delivered ones kept; returns how many.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int TakeBatch(PendingRows rows, ClassIndex classes)
    {
        rows.ReleaseText();
        var n = 0;
        while (n < BatchRows && rows.Count > 0)
        {
            var number = rows.Take(_ordinals[n], _cells[n], _stored);
            var size = classes.Stream(_ordinals[n]);
            if (size < 0)
            {
                throw _processor.SourceChanged(_reader.PositionOf(number));
            }
            if (size < _plan.K)
            {
                Suppressed++;
                continue;
            }
            _numbers[n++] = number;
        }
        return n;
    }

    /// <summary>Transforms and writes rows from <paramref name="j"/> on until the writer has to flush (returned) or <paramref name="end"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private ValueTask WriteRows(ref int j, int end, CancellationToken cancellationToken)
    {
        while (j < end)
        {
            _processor.Complete(_cells[j], _columns, _ordinals[j], _output, _reader, _numbers[j]);
            var write = _writer.WriteRowAsync(_output, cancellationToken);
            j++;
            Written++;
            if (!write.IsCompletedSuccessfully)
            {
                return write;
            }
            write.GetAwaiter().GetResult();
        }
        return ValueTask.CompletedTask;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private ValueTask WriteFormatted(ref int j, CancellationToken cancellationToken)
    {
        var bytes = _formatted.WrittenSpan;
        while (j < _formattedRows.Count)
        {
            var (start, length, units) = _formattedRows[j];
            var write = _writer.WriteFormattedAsync(bytes.Slice(start, length), units, cancellationToken);
            j++;
            Written++;
            if (!write.IsCompletedSuccessfully)
            {
                return write;
            }
            write.GetAwaiter().GetResult();
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>On the helper thread: transforms and formats rows <paramref name="from"/> to <paramref name="to"/> of the batch.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Format(int from, int to)
    {
        _formatted.ResetWrittenCount();
        _formattedRows.Clear();
        for (var j = from; j < to; j++)
        {
            _helper!.Complete(_cells[j], _columns, _ordinals[j], _helperOutput, _reader, _numbers[j]);
            var bytes = _formatter!.Format(_helperOutput, out var units);
            _formattedRows.Add((_formatted.WrittenCount, bytes.Length, units));
            _formatted.Write(bytes);
        }
    }
}
