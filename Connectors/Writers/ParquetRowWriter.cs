using Parquet;
using Parquet.Schema;
using Portal.Connectors.Rows;

namespace Portal.Connectors.Writers;

/// <summary>
/// Parquet in row groups of bounded size. Parquet.Net writes synchronously into a spool that is drained
/// to the real output asynchronously after each row group, so memory holds at most one row group.
/// The footer is only written by <see cref="CompleteAsync"/>: an aborted export has none and no reader accepts it.
/// </summary>
internal sealed class ParquetRowWriter : RowWriter
{
    private readonly Stream _output;
    private readonly SpoolStream _spool = new();
    private readonly DataField[] _fields;
    private readonly IColumnBuffer[] _buffers;
    private readonly int _rowGroupSize;
    private ParquetWriter? _writer;
    private int _rows;

    private ParquetRowWriter(IReadOnlyList<OutputColumn> columns, Stream output, int rowGroupSize)
    {
        _output = output;
        _rowGroupSize = rowGroupSize;
        _fields = new DataField[columns.Count];
        _buffers = new IColumnBuffer[columns.Count];
        for (var i = 0; i < columns.Count; i++)
        {
            (_fields[i], _buffers[i]) = columns[i].Type switch
            {
                ColumnType.Integer => ((DataField)new DataField<long?>(columns[i].Name), (IColumnBuffer)new StructBuffer<long>(rowGroupSize, c => CellConvert.ToInteger(c))),
                ColumnType.Real => (new DataField<double?>(columns[i].Name), new StructBuffer<double>(rowGroupSize, CellConvert.ToReal)),
                ColumnType.Boolean => (new DataField<bool?>(columns[i].Name), new StructBuffer<bool>(rowGroupSize, CellConvert.ToBoolean)),
                ColumnType.Date => (new DataField<DateOnly?>(columns[i].Name), new StructBuffer<DateOnly>(rowGroupSize, CellConvert.ToDate)),
                ColumnType.Timestamp => (new DataField<DateTime?>(columns[i].Name), new StructBuffer<DateTime>(rowGroupSize, CellConvert.ToTimestamp)),
                _ => (new DataField<string>(columns[i].Name, true), new StringBuffer(rowGroupSize)),
            };
        }
    }

    public static async Task<ParquetRowWriter> CreateAsync(IReadOnlyList<OutputColumn> columns, Stream output, int rowGroupSize, CancellationToken cancellationToken)
    {
        var writer = new ParquetRowWriter(columns, output, Math.Clamp(rowGroupSize, 1, 1_000_000));
        writer._writer = await ParquetWriter.CreateAsync(new ParquetSchema(writer._fields), writer._spool, new ParquetOptions { UseDateOnlyTypeForDates = true }, false, cancellationToken).ConfigureAwait(false);
        return writer;
    }

    public override async ValueTask WriteRowAsync(Cell[] row, CancellationToken cancellationToken)
    {
        for (var i = 0; i < row.Length; i++)
        {
            _buffers[i].Add(_rows, row[i]);
        }
        if (++_rows == _rowGroupSize)
        {
            await FlushGroupAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task FlushGroupAsync(CancellationToken cancellationToken)
    {
        if (_rows == 0)
        {
            return;
        }
        using (var group = _writer!.CreateRowGroup())
        {
            for (var i = 0; i < _fields.Length; i++)
            {
                await _buffers[i].WriteAsync(group, _fields[i], _rows, cancellationToken).ConfigureAwait(false);
            }
        }
        _rows = 0;
        await _spool.DrainAsync(_output, cancellationToken).ConfigureAwait(false);
    }

    public override async ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        await FlushGroupAsync(cancellationToken).ConfigureAwait(false);
        await _writer!.DisposeAsync().ConfigureAwait(false);
        _writer = null;
        await _spool.DrainAsync(_output, cancellationToken).ConfigureAwait(false);
    }

    public override async ValueTask DisposeAsync()
    {
        if (_writer is not null)
        {
            // Not completed: the footer this writes stays in the spool and is never drained.
            await _writer.DisposeAsync().ConfigureAwait(false);
        }
        await _spool.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    private interface IColumnBuffer
    {
        void Add(int index, Cell cell);

        Task WriteAsync(ParquetRowGroupWriter group, DataField field, int count, CancellationToken cancellationToken);
    }

    private sealed class StructBuffer<T>(int size, Func<Cell, T> convert) : IColumnBuffer
        where T : struct
    {
        private readonly T?[] _values = new T?[size];

        public void Add(int index, Cell cell) => _values[index] = cell.IsNull ? null : convert(cell);

        public Task WriteAsync(ParquetRowGroupWriter group, DataField field, int count, CancellationToken cancellationToken) =>
            group.WriteAsync<T>(field, _values.AsMemory(0, count), null, null, cancellationToken);
    }

    private sealed class StringBuffer(int size) : IColumnBuffer
    {
        private readonly string?[] _values = new string?[size];

        public void Add(int index, Cell cell) => _values[index] = cell.IsNull ? null : cell.ToString();

        public Task WriteAsync(ParquetRowGroupWriter group, DataField field, int count, CancellationToken cancellationToken) =>
            group.WriteAsync(field, new ArraySegment<string?>(_values, 0, count), null);
    }

    /// <summary>Collects what Parquet.Net writes between drains; Position is the logical offset in the whole file.</summary>
    private sealed class SpoolStream : Stream
    {
        private readonly MemoryStream _buffer = new();
        private long _drained;

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _drained + _buffer.Length;

        public override long Position
        {
            get => Length;
            set => throw new NotSupportedException();
        }

        public async Task DrainAsync(Stream output, CancellationToken cancellationToken)
        {
            await output.WriteAsync(_buffer.GetBuffer().AsMemory(0, (int)_buffer.Length), cancellationToken).ConfigureAwait(false);
            _drained += _buffer.Length;
            _buffer.SetLength(0);
        }

        public override void Write(byte[] buffer, int offset, int count) => _buffer.Write(buffer, offset, count);

        public override void Write(ReadOnlySpan<byte> buffer) => _buffer.Write(buffer);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            _buffer.Write(buffer, offset, count);
            return Task.CompletedTask;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _buffer.Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override void Flush()
        {
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _buffer.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
