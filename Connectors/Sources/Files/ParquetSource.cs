using System.Globalization;
using Parquet;
using Parquet.Schema;
using Portal.Connectors.Rows;

namespace Portal.Connectors.Sources.Files;

/// <summary>
/// A Parquet file inside the configured folders. Rows are read one row group at a time, so memory is bounded by
/// the largest row group of the file (the writer's choice), not by the file.
/// </summary>
public sealed class ParquetSource : ExportSource
{
    private readonly string _path;

    public ParquetSource(FileRoots roots, string path)
    {
        ArgumentNullException.ThrowIfNull(roots);
        _path = roots.Resolve(path);
        DisplayName = Path.GetFileName(_path);
    }

    public override string DisplayName { get; }

    public override async Task<SourceSchema> DescribeAsync(CancellationToken cancellationToken = default)
    {
        await using var reader = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return Describe(reader);
    }

    private SourceSchema Describe(ParquetReader reader)
    {
        var columns = reader.Schema.GetDataFields()
            .Select(f => new SourceColumn(f.Name, Map(f.ClrType), f.ClrType == typeof(ReadOnlyMemory<char>) ? nameof(String) : f.ClrType.Name, f.IsNullable))
            .ToArray();
        var rows = Enumerable.Range(0, reader.RowGroupCount).Sum(i => reader.OpenRowGroupReader(i).RowCount);
        return new SourceSchema(DisplayName, columns, rows);
    }

    private static ColumnType Map(Type t) => t switch
    {
        _ when t == typeof(long) || t == typeof(int) || t == typeof(short) || t == typeof(sbyte) || t == typeof(byte) || t == typeof(ushort) || t == typeof(uint) => ColumnType.Integer,
        _ when t == typeof(double) || t == typeof(float) || t == typeof(decimal) => ColumnType.Real,
        _ when t == typeof(bool) => ColumnType.Boolean,
        _ when t == typeof(DateOnly) => ColumnType.Date,
        _ when t == typeof(DateTime) || t == typeof(DateTimeOffset) => ColumnType.Timestamp,
        _ => ColumnType.Text,
    };

    private async Task<ParquetReader> OpenAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await ParquetReader.CreateAsync(_path, new ParquetOptions { UseDateOnlyTypeForDates = true }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException or ArgumentException)
        {
            throw new ConnectorException("source.parquet.unreadable", $"{DisplayName}: not a readable Parquet file: {e.Message}", e);
        }
    }

    internal override Task<SourceSession> OpenSessionAsync(CancellationToken cancellationToken) =>
        Task.FromResult<SourceSession>(new Session(this));

    private sealed class Session(ParquetSource source) : SourceSession
    {
        public override async Task<RowReader> OpenReaderAsync(ReadPlan plan, CancellationToken cancellationToken)
        {
            var reader = await source.OpenAsync(cancellationToken).ConfigureAwait(false);
            var fields = reader.Schema.GetDataFields();
            var selected = new DataField[plan.Columns.Count];
            for (var i = 0; i < selected.Length; i++)
            {
                selected[i] = fields.FirstOrDefault(f => f.Name == plan.Columns[i].Name)
                    ?? throw new ConnectorException("source.column.missing", $"{source.DisplayName}: column '{plan.Columns[i].Name}' is not in the file");
            }
            return new ParquetRowReader(reader, selected, source.DisplayName);
        }
    }

    private sealed class ParquetRowReader(ParquetReader reader, DataField[] fields, string name) : RowReader
    {
        private readonly Cell[][] _columns = new Cell[fields.Length][];
        private int _group = -1;
        private long _groupRows;
        private long _index;
        private long _row;

        public override string Position => $"{name} row {_row.ToString(CultureInfo.InvariantCulture)}";

        public override async ValueTask<bool> ReadAsync(Cell[] row, CancellationToken cancellationToken)
        {
            while (_index >= _groupRows)
            {
                if (_group + 1 >= reader.RowGroupCount)
                {
                    return false;
                }
                _group++;
                await LoadGroupAsync(cancellationToken).ConfigureAwait(false);
            }
            for (var i = 0; i < fields.Length; i++)
            {
                row[i] = _columns[i][_index];
            }
            _index++;
            _row++;
            return true;
        }

        private async Task LoadGroupAsync(CancellationToken cancellationToken)
        {
            using var group = reader.OpenRowGroupReader(_group);
            _groupRows = group.RowCount;
            _index = 0;
            for (var i = 0; i < fields.Length; i++)
            {
                _columns[i] = await ReadColumnAsync(group, fields[i], (int)_groupRows, cancellationToken).ConfigureAwait(false);
            }
        }

        private static async Task<Cell[]> ReadColumnAsync(ParquetRowGroupReader group, DataField field, int rows, CancellationToken ct)
        {
            var t = field.ClrType;
            // Parquet.Net 6 describes a file's UTF-8 columns as ReadOnlyMemory<char>; they read as strings all the same.
            if (t == typeof(string) || t == typeof(ReadOnlyMemory<char>))
            {
                var values = new string?[rows];
                await group.ReadAsync(field, values.AsMemory(), null, ct).ConfigureAwait(false);
                return Array.ConvertAll(values, Cell.FromText);
            }
            if (t == typeof(long))
            {
                return await ReadStructAsync<long>(group, field, rows, v => Cell.FromInteger(v), ct).ConfigureAwait(false);
            }
            if (t == typeof(int))
            {
                return await ReadStructAsync<int>(group, field, rows, v => Cell.FromInteger(v), ct).ConfigureAwait(false);
            }
            if (t == typeof(short))
            {
                return await ReadStructAsync<short>(group, field, rows, v => Cell.FromInteger(v), ct).ConfigureAwait(false);
            }
            if (t == typeof(double))
            {
                return await ReadStructAsync<double>(group, field, rows, Cell.FromReal, ct).ConfigureAwait(false);
            }
            if (t == typeof(float))
            {
                return await ReadStructAsync<float>(group, field, rows, v => Cell.FromReal(v), ct).ConfigureAwait(false);
            }
            if (t == typeof(decimal))
            {
                return await ReadStructAsync<decimal>(group, field, rows, v => Cell.FromReal((double)v), ct).ConfigureAwait(false);
            }
            if (t == typeof(bool))
            {
                return await ReadStructAsync<bool>(group, field, rows, Cell.FromBoolean, ct).ConfigureAwait(false);
            }
            if (t == typeof(DateOnly))
            {
                return await ReadStructAsync<DateOnly>(group, field, rows, Cell.FromDate, ct).ConfigureAwait(false);
            }
            if (t == typeof(DateTime))
            {
                return await ReadStructAsync<DateTime>(group, field, rows, Cell.FromTimestamp, ct).ConfigureAwait(false);
            }
            throw new ConnectorException("source.parquet.unsupported_type", $"column '{field.Name}': Parquet type {t.Name} is not supported");
        }

        private static async Task<Cell[]> ReadStructAsync<T>(ParquetRowGroupReader group, DataField field, int rows, Func<T, Cell> convert, CancellationToken ct)
            where T : struct
        {
            var cells = new Cell[rows];
            if (field.IsNullable)
            {
                var values = new T?[rows];
                await group.ReadAsync(field, values.AsMemory(), null, ct).ConfigureAwait(false);
                for (var i = 0; i < rows; i++)
                {
                    cells[i] = values[i] is { } v ? convert(v) : Cell.Null;
                }
            }
            else
            {
                var values = new T[rows];
                await group.ReadAsync(field, values.AsMemory(), null, ct).ConfigureAwait(false);
                for (var i = 0; i < rows; i++)
                {
                    cells[i] = convert(values[i]);
                }
            }
            return cells;
        }

        public override async ValueTask DisposeAsync() => await reader.DisposeAsync().ConfigureAwait(false);
    }
}
