using Npgsql;
using Portal.Connectors.Anonymization;
using Portal.Connectors.Sources.Postgres;
using Portal.Connectors.Tests.Support;
using Portal.Tests.Infrastructure;

namespace Portal.Connectors.Tests;

/// <summary>SQL injection through every name that reaches SQL, and a database that is not there.</summary>
public sealed class HostilePostgresTests : IAsyncLifetime
{
    private const string Evil = "x\"; DROP TABLE canary; --";
    private readonly TestDatabase _db = TestDatabase.Create("conn_hostile");

    public async Task InitializeAsync()
    {
        await Execute($"""
            CREATE TABLE canary (id int);
            INSERT INTO canary VALUES (1);
            CREATE TABLE "{Evil.Replace("\"", "\"\"", StringComparison.Ordinal)}" ("{Evil.Replace("\"", "\"\"", StringComparison.Ordinal)}" text, research_consent boolean);
            INSERT INTO "{Evil.Replace("\"", "\"\"", StringComparison.Ordinal)}" VALUES ('a''b', true), ('c', false);
            """);
        await Patients.LoadAsync(_db.ConnectionString, "visits", Patients.Generate(30, 9));
    }

    public Task DisposeAsync()
    {
        _db.Dispose();
        return Task.CompletedTask;
    }

    private async Task Execute(string sql)
    {
        await using var connection = new NpgsqlConnection(_db.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private async Task AssertCanaryAlive()
    {
        await using var connection = new NpgsqlConnection(_db.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM canary", connection);
        Assert.Equal(1L, await command.ExecuteScalarAsync());
    }

    private PostgresSource Source(string relation, string schema = "public", IReadOnlyList<RowFilter>? filters = null) =>
        new(new PostgresSourceOptions { ConnectionString = _db.ConnectionString, Relation = relation, Schema = schema, Filters = filters ?? [] });

    [Theory]
    [InlineData("visits; DROP TABLE canary; --")]
    [InlineData("visits\"; DROP TABLE canary; --")]
    [InlineData("visits' OR '1'='1")]
    [InlineData("pg_catalog.pg_authid")]
    public async Task A_hostile_relation_name_is_only_ever_a_name(string relation)
    {
        var e = await Assert.ThrowsAsync<ConnectorException>(() => Source(relation).DescribeAsync());
        Assert.Equal("source.postgres.relation_missing", e.Code);
        await AssertCanaryAlive();
    }

    [Fact]
    public async Task A_hostile_schema_name_is_only_ever_a_name()
    {
        var e = await Assert.ThrowsAsync<ConnectorException>(() => Source("visits", "public\"; DROP TABLE canary; --").DescribeAsync());
        Assert.Equal("source.postgres.relation_missing", e.Code);
        await AssertCanaryAlive();
    }

    [Fact]
    public async Task Tables_and_columns_with_hostile_names_export_correctly()
    {
        var profile = AnonymizationProfile.Parse($$"""
            { "formatVersion": 1, "name": "evil", "version": 1,
              "consent": [ { "column": "research_consent", "purposes": ["GRU"] } ],
              "columns": [ { "name": {{System.Text.Json.JsonSerializer.Serialize(Evil)}}, "class": "sensitive" },
                           { "name": "research_consent", "class": "other", "transform": { "type": "drop" } } ] }
            """);
        var (manifest, text) = await Exports.RunCsvAsync(Source(Evil), Exports.Request(profile, purpose: "GRU"));
        Assert.Equal(1, manifest.RowsWritten);
        Assert.Equal(1, manifest.RowsFilteredByConsent);
        var rows = SimpleCsv.Parse(text);
        Assert.Equal(Evil, rows[0][0]);
        Assert.Equal("a'b", rows[1][0]);
        await AssertCanaryAlive();
    }

    [Fact]
    public async Task A_hostile_requested_column_is_refused_by_name()
    {
        var profile = AnonymizationProfile.Parse(Patients.ProfileJson());
        var request = Exports.Request(profile) with { Columns = ["visit_id", "sex\"; DROP TABLE canary; --"] };
        var e = await Assert.ThrowsAsync<ExportException>(() => Exports.RunCsvAsync(Source("visits"), request));
        Assert.Equal("export.column.unclassified", e.Code);
        Assert.False(e.Manifest!.Complete);
        await AssertCanaryAlive();
    }

    [Fact]
    public async Task A_hostile_profile_column_is_reported_as_unknown()
    {
        var json = Patients.ProfileJson().Replace("\"diagnosis_code\"", "\"diagnosis_code\\\"; DROP TABLE canary; --\"", StringComparison.Ordinal);
        var profile = AnonymizationProfile.Parse(json);
        var e = await Assert.ThrowsAsync<ExportException>(() => Exports.RunCsvAsync(Source("visits"), Exports.Request(profile)));
        Assert.Equal("profile.column.unknown", e.Code);
        await AssertCanaryAlive();
    }

    [Fact]
    public async Task Filter_values_are_parameters_not_sql()
    {
        var profile = AnonymizationProfile.Parse(Patients.ProfileJson(k: 1));
        var filters = new[] { new RowFilter("diagnosis_code", FilterOperator.Equal, "B20' OR '1'='1") };
        var (manifest, _) = await Exports.RunCsvAsync(Source("visits", filters: filters), Exports.Request(profile));
        Assert.Equal(0, manifest.RowsRead);

        var real = new[] { new RowFilter("sex", FilterOperator.In, new[] { "F", "M" }), new RowFilter("cd4_count", FilterOperator.IsNotNull) };
        var (filtered, text) = await Exports.RunCsvAsync(Source("visits", filters: real), Exports.Request(profile));
        Assert.True(filtered.RowsRead > 0);
        Assert.All(SimpleCsv.Records(text), r => Assert.Contains(r["sex"], new[] { "F", "M" }));
        Assert.All(SimpleCsv.Records(text), r => Assert.NotEqual("", r["cd4_count"]));

        var unknown = new[] { new RowFilter("sex; DROP TABLE canary", FilterOperator.Equal, "F") };
        var e = await Assert.ThrowsAsync<ExportException>(() => Exports.RunCsvAsync(Source("visits", filters: unknown), Exports.Request(profile)));
        Assert.Equal("source.column.missing", e.Code);
        await AssertCanaryAlive();
    }

    [Fact]
    public async Task Schema_introspection_reports_columns_types_and_estimate()
    {
        await Execute("ANALYZE visits");
        var schema = await Source("visits").DescribeAsync();
        Assert.Equal(12, schema.Columns.Count);
        Assert.Equal(Rows.ColumnType.Date, schema.Find("birth_date")!.Type);
        Assert.Equal("character(1)", schema.Find("sex")!.SourceType);
        Assert.Equal(Rows.ColumnType.Boolean, schema.Find("research_consent")!.Type);
        Assert.InRange(schema.RowEstimate!.Value, 30, 90);
        Assert.Contains("visits", await PostgresCatalog.ListRelationsAsync(_db.ConnectionString));
    }

    [Fact]
    public async Task An_unreachable_database_fails_clearly()
    {
        var source = new PostgresSource(new PostgresSourceOptions { ConnectionString = "Host=127.0.0.1;Port=1;Database=hospital;Username=x;Password=y;Timeout=3", Relation = "visits" });
        var profile = AnonymizationProfile.Parse(Patients.ProfileJson());
        var e = await Assert.ThrowsAsync<ExportException>(() => Exports.RunCsvAsync(source, Exports.Request(profile)));
        Assert.Equal("source.postgres.unreachable", e.Code);
        Assert.Contains("127.0.0.1:1/hospital", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Password", e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.False(e.Manifest!.Complete);
    }

    [Fact]
    public async Task Type_mismatch_between_profile_and_database_names_the_column()
    {
        var profile = AnonymizationProfile.Parse(Patients.ProfileJson().Replace("""{ "name": "sex", "class": "quasiIdentifier" }""", """{ "name": "sex", "class": "quasiIdentifier", "type": "date" }""", StringComparison.Ordinal));
        var e = await Assert.ThrowsAsync<ExportException>(() => Exports.RunCsvAsync(Source("visits"), Exports.Request(profile)));
        Assert.Equal("source.cell.unconvertible", e.Code);
        Assert.Contains("column 'sex':", e.Message, StringComparison.Ordinal);

        var typed = AnonymizationProfile.Parse(Patients.ProfileJson().Replace("\"type\": \"integer\" }", "\"type\": \"date\" }", StringComparison.Ordinal));
        var t = await Assert.ThrowsAsync<ExportException>(() => Exports.RunCsvAsync(Source("visits"), Exports.Request(typed)));
        Assert.Equal("profile.column.type_mismatch", t.Code);
    }

    [Fact]
    public async Task A_purpose_no_consent_covers_exports_nothing()
    {
        var profile = AnonymizationProfile.Parse(Patients.ProfileJson());
        var e = await Assert.ThrowsAsync<ExportException>(() => Exports.RunCsvAsync(Source("visits"), Exports.Request(profile, purpose: "NPU")));
        Assert.Equal("profile.consent.no_rule", e.Code);
        Assert.Equal(0, e.Manifest!.BytesWritten);
    }
}
