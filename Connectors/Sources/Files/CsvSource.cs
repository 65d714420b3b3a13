using System.Globalization;
using Portal.Connectors.Rows;

namespace Portal.Connectors.Sources.Files;

/// <summary>A CSV file with a header line; every column arrives as text and is typed by the profile or the transforms.</summary>
public sealed class CsvSource : ExportSource
{
    private readonly Func<Stream> _open;
    private readonly CsvOptions _options;

    /// <summary>A file inside <paramref name="roots"/>; the path is resolved (symlinks included) before anything is opened.</summary>
    public CsvSource(FileRoots roots, string path, CsvOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(roots);
        var real = roots.Resolve(path);
        DisplayName = Path.GetFileName(real);
        _open = () => new FileStream(real, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan | FileOptions.Asynchronous);
        _options = options ?? new CsvOptions();
    }

    /// <summary>Any readable stream (an upload, a test generator); <paramref name="open"/> is called once per pass.</summary>
    public CsvSource(Func<Stream> open, string name, CsvOptions? options = null)
    {
        _open = open;
        DisplayName = name;
        _options = options ?? new CsvOptions();
    }

    public override string DisplayName { get; }

    public override async Task<SourceSchema> DescribeAsync(CancellationToken cancellationToken = default)
    {
        using var parser = new CsvParser(_open(), DisplayName, _options);
        return await ReadHeaderAsync(parser, cancellationToken).ConfigureAwait(false);
    }

    private async Task<SourceSchema> ReadHeaderAsync(CsvParser parser, CancellationToken cancellationToken)
    {
        var fields = new List<string?>();
        if (!await parser.ReadRecordAsync(fields, cancellationToken).ConfigureAwait(false))
        {
            throw new ConnectorException("source.csv.empty", $"{DisplayName} line 1: the file is empty (a header line is required)");
        }
        var columns = new List<SourceColumn>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < fields.Count; i++)
        {
            var name = fields[i]?.Trim();
            if (string.IsNullOrEmpty(name))
            {
                throw new ConnectorException("source.csv.header_field_empty", $"{DisplayName} line 1: header field {(i + 1).ToString(CultureInfo.InvariantCulture)} is empty");
            }
            if (!seen.Add(name))
            {
                throw new ConnectorException("source.csv.header_duplicate", $"{DisplayName} line 1: column '{name}' appears twice in the header");
            }
            columns.Add(new SourceColumn(name, ColumnType.Text, "csv", true));
        }
        return new SourceSchema(DisplayName, columns, null);
    }

    internal override Task<SourceSession> OpenSessionAsync(CancellationToken cancellationToken) =>
        Task.FromResult<SourceSession>(new Session(this));

    private sealed class Session(CsvSource source) : SourceSession
    {
        public override async Task<RowReader> OpenReaderAsync(ReadPlan plan, CancellationToken cancellationToken)
        {
            var parser = new CsvParser(source._open(), source.DisplayName, source._options);
            try
            {
                var schema = await source.ReadHeaderAsync(parser, cancellationToken).ConfigureAwait(false);
                var map = plan.Columns.Select(c => schema.Columns.ToList().FindIndex(s => s.Name == c.Name)).ToArray();
                var missing = Array.IndexOf(map, -1);
                if (missing >= 0)
                {
                    throw new ConnectorException("source.column.missing", $"{source.DisplayName}: column '{plan.Columns[missing].Name}' is not in the header");
                }
                return new CsvRowReader(parser, map, schema.Columns.Count);
            }
            catch
            {
                parser.Dispose();
                throw;
            }
        }
    }

    private sealed class CsvRowReader(CsvParser parser, int[] map, int width) : RowReader
    {
        private readonly List<string?> _fields = new(width);

        public override string Position => $"{parser.Name} line {parser.RecordLine.ToString(CultureInfo.InvariantCulture)}";

        public override async ValueTask<bool> ReadAsync(Cell[] row, CancellationToken cancellationToken)
        {
            if (!await parser.ReadRecordAsync(_fields, cancellationToken).ConfigureAwait(false))
            {
                return false;
            }
            if (_fields.Count != width)
            {
                throw new ConnectorException("source.csv.field_count", $"{Position}: {_fields.Count.ToString(CultureInfo.InvariantCulture)} fields where the header has {width.ToString(CultureInfo.InvariantCulture)}");
            }
            for (var i = 0; i < map.Length; i++)
            {
                row[i] = Cell.FromText(_fields[map[i]]);
            }
            return true;
        }

        public override ValueTask DisposeAsync()
        {
            parser.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
