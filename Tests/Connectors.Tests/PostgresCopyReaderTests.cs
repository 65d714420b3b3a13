using Npgsql;
using Portal.Connectors.Anonymization;
using Portal.Connectors.Sources.Postgres;
using Portal.Connectors.Tests.Support;
using Portal.Tests.Infrastructure;

namespace Portal.Connectors.Tests;

/// <summary>
/// Unfiltered PostgreSQL exports parse binary COPY themselves; filtered ones (parameters) use Npgsql's data reader.
/// Both must deliver the same bytes for every column type, null, infinity, non-ASCII text and values larger than the parse buffer.
/// </summary>
public sealed class PostgresCopyReaderTests : IAsyncLifetime
{
    private readonly TestDatabase _db = TestDatabase.Create("conn_copy");

    public async Task InitializeAsync()
    {
        await using var connection = new NpgsqlConnection(_db.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            CREATE TABLE typed (
              id bigint, small smallint, medium integer, f4 real, f8 double precision, flag boolean,
              day date, moment timestamp, instant timestamptz, label text, code varchar(20), letter char(3),
              amount numeric, consent boolean);
            INSERT INTO typed VALUES
              (1, -32768, 2147483647, 1.5, -0.000123456789, true, '2001-02-03', '2001-02-03 04:05:06.789012', '2001-02-03 04:05:06+00',
               'plain', 'v', 'ab', 12.340, true),
              (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, true),
              (3, 7, -7, 'NaN', '-Infinity', false, 'infinity', '-infinity', 'infinity', 'Grüße, "quoted"' || chr(10) || '😀 ok', 'ünï', 'é', -0.5, true),
              (4, 0, 0, 0, 0, false, '0001-01-01', '9999-12-31 23:59:59.999999', '1970-01-01 00:00:00+00', repeat('x', 700000), '', '', 0, true),
              (5, 1, 1, 1, 1, true, '1999-12-31', '1999-12-31 23:59:59', '2000-01-01 00:00:00+00', 'refused', 'r', 'r', 1, false);
            CREATE TABLE many AS SELECT g::bigint AS id, 'value ' || g AS label, true AS consent FROM generate_series(1, 200000) AS g;
            """, connection);
        await command.ExecuteNonQueryAsync();
    }

    public Task DisposeAsync()
    {
        _db.Dispose();
        return Task.CompletedTask;
    }

    private static readonly string[] Columns = ["id", "small", "medium", "f4", "f8", "flag", "day", "moment", "instant", "label", "code", "letter", "amount"];

    private static AnonymizationProfile Profile() => AnonymizationProfile.Parse($$"""
        { "formatVersion": 1, "name": "typed", "version": 1,
          "consent": [ { "column": "consent", "purposes": ["HMB"] } ],
          "columns": [ {{string.Join(", ", Columns.Select(c => $$"""{ "name": "{{c}}", "class": "sensitive" }"""))}},
                       { "name": "consent", "class": "other", "transform": { "type": "drop" } } ] }
        """);

    private PostgresSource Source(IReadOnlyList<RowFilter> filters) =>
        new(new PostgresSourceOptions { ConnectionString = _db.ConnectionString, Relation = "typed", Filters = filters });

    [Fact]
    public async Task Binary_copy_and_the_data_reader_deliver_the_same_bytes()
    {
        // A parameterized filter that keeps every row sends the export through the data reader.
        var (viaReader, readerText) = await Exports.RunCsvAsync(Source([new RowFilter("id", FilterOperator.GreaterOrEqual, 0)]), Exports.Request(Profile()));
        var (viaCopy, copyText) = await Exports.RunCsvAsync(Source([]), Exports.Request(Profile()));

        Assert.Equal(readerText, copyText);
        Assert.Equal(viaReader.Sha256, viaCopy.Sha256);
        Assert.Equal(5, viaCopy.RowsRead);
        Assert.Equal(1, viaCopy.RowsFilteredByConsent);
        Assert.Equal(4, viaCopy.RowsWritten);
        Assert.Contains("\"Grüße, \"\"quoted\"\"\n😀 ok\"", copyText, StringComparison.Ordinal);
        Assert.Contains(new string('x', 700000), copyText, StringComparison.Ordinal);
        Assert.Contains("2001-02-03T04:05:06.789012", copyText, StringComparison.Ordinal);
        Assert.Contains("9999-12-31", copyText, StringComparison.Ordinal);
        Assert.DoesNotContain("refused", copyText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task K_suppression_counts_agree_between_copy_and_reader()
    {
        var profile = AnonymizationProfile.Parse("""
            { "formatVersion": 1, "name": "typed", "version": 1, "k": 2,
              "consent": [ { "column": "consent", "purposes": ["HMB"] } ],
              "columns": [ { "name": "id", "class": "directIdentifier", "transform": { "type": "pseudonym" } },
                           { "name": "flag", "class": "quasiIdentifier" },
                           { "name": "consent", "class": "other", "transform": { "type": "drop" } } ] }
            """);
        var (viaReader, readerText) = await Exports.RunCsvAsync(Source([new RowFilter("id", FilterOperator.GreaterOrEqual, 0)]), Exports.Request(profile));
        var (viaCopy, copyText) = await Exports.RunCsvAsync(Source([]), Exports.Request(profile));

        Assert.Equal(readerText, copyText);
        // flag: true (1), null (2), false (3, 4); row 5 refused. Classes of one row (true, null) are suppressed.
        Assert.Equal(2, viaCopy.RowsWritten);
        Assert.Equal(2, viaCopy.RowsSuppressed);
        Assert.Equal(viaReader.RowsSuppressed, viaCopy.RowsSuppressed);
        Assert.Equal(viaReader.EquivalenceClassesSuppressed, viaCopy.EquivalenceClassesSuppressed);
        Assert.Equal(2, viaCopy.KAchieved);
    }

    [Fact]
    public async Task A_failing_output_stops_the_copy_without_hanging()
    {
        var export = ExportPipeline.RunAsync(Source([]), Exports.Request(Profile()), new FailingStream());
        var e = await Assert.ThrowsAsync<ExportException>(() => export.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.False(e.Manifest.Complete);
        Assert.Equal("export.run.write_failed", e.Code);
    }

    private sealed class FailingStream : MemoryStream
    {
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            throw new IOException("disk full");

        public override void Write(ReadOnlySpan<byte> buffer) => throw new IOException("disk full");
    }

    [Fact]
    public async Task Cancelling_in_the_middle_of_the_copy_stops_it_and_leaves_the_source_usable()
    {
        var profile = AnonymizationProfile.Parse("""
            { "formatVersion": 1, "name": "many", "version": 1,
              "consent": [ { "column": "consent", "purposes": ["HMB"] } ],
              "columns": [ { "name": "id", "class": "directIdentifier", "transform": { "type": "pseudonym" } },
                           { "name": "label", "class": "sensitive" },
                           { "name": "consent", "class": "other", "transform": { "type": "drop" } } ] }
            """);
        var source = new PostgresSource(new PostgresSourceOptions { ConnectionString = _db.ConnectionString, Relation = "many" });
        using var cts = new CancellationTokenSource();
        var e = await Assert.ThrowsAsync<ExportException>(() =>
            ExportPipeline.RunAsync(source, Exports.Request(profile), new CancellingStream(cts), cts.Token).WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal("export.run.cancelled", e.Code);
        Assert.InRange(e.Manifest!.RowsWritten, 1, 199999);

        var (manifest, _) = await Exports.RunCsvAsync(source, Exports.Request(profile));
        Assert.Equal(200000, manifest.RowsWritten);
    }

    /// <summary>Accepts the first write, then cancels the export.</summary>
    private sealed class CancellingStream(CancellationTokenSource cts) : MemoryStream
    {
        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await base.WriteAsync(buffer, cancellationToken);
            await cts.CancelAsync();
        }
    }
}
