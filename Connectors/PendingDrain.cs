using System.Buffers;
using System.Runtime.CompilerServices;
using Portal.Connectors.Anonymization;
using Portal.Connectors.Rows;
using Portal.Connectors.Sources;
using Portal.Connectors.Writers;

namespace Portal.Connectors;

/// <summary>
/// Writes rows once the class sizes are known, in their order: suppressed rows are dropped, delivered ones transformed
/// and written. Rows come in batches, taken from the buffer of <see cref="PendingRows"/> or offered straight from the
/// stream. A full batch is split: this thread transforms and writes its head at once, a helper thread transforms and
/// formats the tail (own transforms, own formatter) while this thread goes on filling the next batch; the tail is
/// written before the next batch's head. The per-row HMAC and the formatting are most of a delivered row's cost. Two
/// batches alternate, so a batch the helper still reads is never refilled. Without a helper (no second set of
/// transforms, or a format without independent rows: Parquet) everything runs on this thread.
/// </summary>
internal sealed class PendingDrain
{
    public const int BatchRows = 4096;

    // The helper's share of a batch: this thread also reads, classifies and looks up every row, and copies the
    // helper's bytes to the writer.
    private const double HelperShare = 0.6;

    private readonly ExportPlan _plan;
    private readonly RowProcessor _processor;
    private readonly RowProcessor? _helper;
    private readonly RowFormatter? _formatter;
    private readonly ColumnOrdinals[] _columns;
    private readonly RowWriter _writer;
    private readonly RowReader _reader;
    private readonly int[] _stored;
    private readonly Batch[] _batches;
    private readonly Cell[] _output;
    private readonly Cell[] _helperOutput;
    private Batch _filling;
    private Batch? _helped;
    private Task? _help;

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
        _batches = [new Batch(plan.Output.Count + 1, columns.Length), new Batch(plan.Output.Count + 1, columns.Length)];
        _filling = _batches[0];
        _output = new Cell[plan.Output.Count];
        _helperOutput = new Cell[plan.Output.Count];
    }

    public long Suppressed { get; private set; }

    public long Written { get; private set; }

    /// <summary>Empties <paramref name="rows"/> into the writer (as batches fill; <see cref="FlushAsync"/> writes the last).</summary>
    public async Task DrainAsync(PendingRows rows, ClassIndex classes, CancellationToken cancellationToken)
    {
        while (rows.Count > 0)
        {
            // A revoked grant cancels the export: a full buffer is ~1 M rows, checked every batch.
            cancellationToken.ThrowIfCancellationRequested();
            TakeBatch(rows, classes);
            if (_filling.Count == BatchRows)
            {
                await WriteBatchAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// A row straight from the stream once the class sizes are known and no row waits before it: suppressed, or kept in
    /// the batch (its text copied into the batch) and written with it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ValueTask OfferAsync(long number, ReadOnlySpan<int> ordinals, Cell[] pending, ClassIndex classes, CancellationToken cancellationToken)
    {
        if (!Delivered(number, ordinals, classes))
        {
            return ValueTask.CompletedTask;
        }
        var batch = _filling;
        var n = batch.Count;
        ordinals.CopyTo(batch.Ordinals[n]);
        var cells = batch.Cells[n];
        foreach (var i in _stored)
        {
            var cell = pending[i];
            cells[i] = cell.Kind == CellKind.Text ? batch.Keep(cell.Text.Span) : cell;
        }
        batch.Numbers[n] = number;
        batch.Count = n + 1;
        return batch.Count == BatchRows ? new ValueTask(WriteBatchAsync(cancellationToken)) : ValueTask.CompletedTask;
    }

    /// <summary>Writes what is left: the helper's last share and the rows of an unfinished batch.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_filling.Count > 0)
        {
            await WriteBatchAsync(cancellationToken).ConfigureAwait(false);
        }
        await WriteHelpedAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>After a failure: waits for the helper (the export must not end while it runs) and observes its error.</summary>
    public async Task StopAsync()
    {
        if (_help is { } help)
        {
            await Task.WhenAny(help).ConfigureAwait(false);
            _ = help.Exception;
        }
    }

    /// <summary>
    /// Writes the helper's share of the previous batch, hands the tail of this one to the helper, transforms and writes
    /// its head here, and switches to the other batch for filling.
    /// </summary>
    private async Task WriteBatchAsync(CancellationToken cancellationToken)
    {
        await WriteHelpedAsync(cancellationToken).ConfigureAwait(false);
        var batch = _filling;
        var n = batch.Count;
        var mine = _helper is null || n < 64 ? n : n - (int)(n * HelperShare);
        if (mine < n)
        {
            _helped = batch;
            _help = Task.Run(() => Format(batch, mine, n), cancellationToken);
        }
        var j = 0;
        while (j < mine)
        {
            // Synchronous while the writer's buffer takes the rows; awaits only a flush.
            var flush = WriteRows(batch, ref j, mine, cancellationToken);
            await flush.ConfigureAwait(false);
        }
        // The other batch is free: its helper share was awaited and written above.
        _filling = ReferenceEquals(batch, _batches[0]) ? _batches[1] : _batches[0];
        _filling.Count = 0;
        _filling.TextUsed = 0;
    }

    private async Task WriteHelpedAsync(CancellationToken cancellationToken)
    {
        if (_help is null)
        {
            return;
        }
        var help = _help;
        var batch = _helped!;
        _help = null;
        _helped = null;
        await help.ConfigureAwait(false);
        var j = 0;
        while (j < batch.FormattedRows.Count)
        {
            var flush = WriteFormatted(batch, ref j, cancellationToken);
            await flush.ConfigureAwait(false);
        }
    }

    /// <summary>Looks the row's class up: false (and counted) when suppressed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool Delivered(long number, ReadOnlySpan<int> ordinals, ClassIndex classes)
    {
        var size = classes.Stream(ordinals);
        if (size < 0)
        {
            throw _processor.SourceChanged(_reader.PositionOf(number));
        }
        if (size < _plan.K)
        {
            Suppressed++;
            return false;
        }
        return true;
    }

    /// <summary>Moves rows out of <paramref name="rows"/> into the batch until it is full: suppressed ones are counted, delivered ones kept.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void TakeBatch(PendingRows rows, ClassIndex classes)
    {
        var batch = _filling;
        if (batch.Count == 0)
        {
            // The buffer's text of this batch's last use is free: the other batch holds what the helper may still read.
            rows.ReleaseText();
        }
        var n = batch.Count;
        while (n < BatchRows && rows.Count > 0)
        {
            var number = rows.Take(batch.Ordinals[n], batch.Cells[n], _stored);
            if (Delivered(number, batch.Ordinals[n], classes))
            {
                batch.Numbers[n++] = number;
            }
        }
        batch.Count = n;
    }

    /// <summary>Transforms and writes rows from <paramref name="j"/> on until the writer has to flush (returned) or <paramref name="end"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private ValueTask WriteRows(Batch batch, ref int j, int end, CancellationToken cancellationToken)
    {
        while (j < end)
        {
            _processor.Complete(batch.Cells[j], _columns, batch.Ordinals[j], _output, _reader, batch.Numbers[j]);
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
    private ValueTask WriteFormatted(Batch batch, ref int j, CancellationToken cancellationToken)
    {
        var bytes = batch.Formatted.WrittenSpan;
        while (j < batch.FormattedRows.Count)
        {
            var (start, length, units) = batch.FormattedRows[j];
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

    /// <summary>On the helper thread: transforms and formats rows <paramref name="from"/> to <paramref name="to"/> of <paramref name="batch"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Format(Batch batch, int from, int to)
    {
        batch.Formatted.ResetWrittenCount();
        batch.FormattedRows.Clear();
        for (var j = from; j < to; j++)
        {
            _helper!.Complete(batch.Cells[j], _columns, batch.Ordinals[j], _helperOutput, _reader, batch.Numbers[j]);
            var bytes = _formatter!.Format(_helperOutput, out var units);
            batch.FormattedRows.Add((batch.Formatted.WrittenCount, bytes.Length, units));
            batch.Formatted.Write(bytes);
        }
    }

    /// <summary>One batch of delivered rows: their stored cells, ordinals and numbers; text of offered rows; the helper's output.</summary>
    private sealed class Batch(int cells, int columns)
    {
        public Cell[][] Cells { get; } = Enumerable.Range(0, BatchRows).Select(_ => new Cell[cells]).ToArray();

        public int[][] Ordinals { get; } = Enumerable.Range(0, BatchRows).Select(_ => new int[columns]).ToArray();

        public long[] Numbers { get; } = new long[BatchRows];

        public int Count { get; set; }

        public int TextUsed { get; set; }

        public ArrayBufferWriter<byte> Formatted { get; } = new(256 * 1024);

        public List<(int Start, int Length, int Units)> FormattedRows { get; } = new(BatchRows);

        private char[] _text = new char[64 * 1024];

        /// <summary>A copy of <paramref name="text"/> that lives as long as the batch's rows.</summary>
        public Cell Keep(ReadOnlySpan<char> text)
        {
            if (_text.Length - TextUsed < text.Length)
            {
                // A new array, never a copy: cells of this batch still point into the old one.
                _text = new char[Math.Max(_text.Length * 2, text.Length + 256)];
                TextUsed = 0;
            }
            text.CopyTo(_text.AsSpan(TextUsed));
            var cell = Cell.FromText(_text.AsMemory(TextUsed, text.Length));
            TextUsed += text.Length;
            return cell;
        }
    }
}
