using Npgsql;
using Portal.Connectors.Anonymization;
using Portal.Connectors.Rows;
using Portal.Connectors.Sources;
using Portal.Connectors.Sources.Postgres;
using Portal.Connectors.Tests.Support;
using Portal.Connectors.Writers;
using Portal.Tests.Infrastructure;

namespace Portal.Connectors.Tests;

/// <summary>
/// The PostgreSQL export counts classes on one connection while it streams on a second one in the same snapshot,
/// keeping the rows read meanwhile in a bounded buffer. Neither may change a byte of the output.
/// </summary>
public sealed class ConcurrentCountTests : IAsyncLifetime
{
    // ~20 consenting rows per class on average: some classes fall below it, most do not.
    private const int K = 20;

    private readonly TestDatabase _db = TestDatabase.Create("conn_overlap");
    private List<Visit> _visits = [];

    public async Task InitializeAsync()
    {
        _visits = Patients.Generate(1500, 11);
        await Patients.LoadAsync(_db.ConnectionString, "visits", _visits);
    }

    public Task DisposeAsync()
    {
        _db.Dispose();
        return Task.CompletedTask;
    }

    private PostgresSource Source(PostgresClassCount count = PostgresClassCount.FirstPass, IReadOnlyList<RowFilter>? filters = null) =>
        new(new PostgresSourceOptions { ConnectionString = _db.ConnectionString, Relation = "visits", ClassCount = count, Filters = filters ?? [] });

    private static AnonymizationProfile Profile(int k = 3) => AnonymizationProfile.Parse(Patients.ProfileJson(k));

    private static async Task<(ExportManifest Manifest, byte[] Bytes)> RunAsync(ExportSource source, ExportRequest request, CancellationToken cancellationToken = default)
    {
        using var output = new MemoryStream();
        var manifest = await ExportPipeline.RunAsync(source, request, output, cancellationToken);
        return (manifest, output.ToArray());
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_db.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    [Theory]
    [InlineData(nameof(PostgresClassCount.FirstPass))]
    [InlineData(nameof(PostgresClassCount.GroupBy))]
    public async Task Rows_changed_by_another_session_after_the_snapshot_do_not_change_the_export(string classCount)
    {
        var count = Enum.Parse<PostgresClassCount>(classCount);
        PostgresSource Source() => this.Source(count);
        var request = Exports.Request(Profile(K), k: K);
        var (before, beforeBytes) = await RunAsync(Source(), request);
        Assert.True(before.RowsSuppressed > 0 && before.RowsWritten > 0, "some classes fall below k, others do not");

        // Committed by another session once the export's snapshot exists, before its second connection begins and
        // before the count and the stream run:
        // deleted consenting rows (some classes shrink below k), new rows in new and existing classes.
        var changing = new ChangingSource(Source(), () => ExecuteAsync("""
            DELETE FROM visits WHERE visit_id % 7 = 0;
            INSERT INTO visits SELECT visit_id + 1000000, patient_id, mrn, first_name, last_name, birth_date, sex, '99999',
                                      admission_date, diagnosis_code, cd4_count, true FROM visits WHERE visit_id % 5 = 0;
            INSERT INTO visits SELECT visit_id + 2000000, patient_id, mrn, first_name, last_name, birth_date, sex, postcode,
                                      admission_date, diagnosis_code, cd4_count, true FROM visits WHERE visit_id % 3 = 0 AND visit_id < 1000000;
            """));
        var (during, duringBytes) = await RunAsync(changing, request);
        Assert.Equal(1, changing.Changes);

        Assert.Equal(beforeBytes, duringBytes);
        Assert.Equal(before.Sha256, during.Sha256);
        Assert.Equal((before.RowsRead, before.RowsFilteredByConsent, before.RowsSuppressed, before.RowsWritten, before.EquivalenceClasses, before.KAchieved),
            (during.RowsRead, during.RowsFilteredByConsent, during.RowsSuppressed, during.RowsWritten, during.EquivalenceClasses, during.KAchieved));

        // The change did happen: a new export sees it.
        var (after, _) = await RunAsync(Source(), request);
        Assert.NotEqual(before.RowsRead, after.RowsRead);
        Assert.NotEqual(before.Sha256, after.Sha256);
    }

    public static TheoryData<ExportFormat, bool> Formats => new()
    {
        { ExportFormat.Csv, false },
        { ExportFormat.Csv, true },
        { ExportFormat.JsonLines, false },
        { ExportFormat.Parquet, false },
    };

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task A_tiny_pending_buffer_gives_the_same_bytes(ExportFormat format, bool gzip)
    {
        var request = Exports.Request(Profile(K), k: K) with { Format = format, Gzip = gzip };
        var (reference, referenceBytes) = await RunAsync(Source(), request);
        Assert.True(reference.RowsSuppressed > 0, "some classes fall below k");
        foreach (var limit in new long[] { 1, 500, 20_000 })
        {
            var (manifest, bytes) = await RunAsync(Source(), request with { PendingLimit = limit });
            Assert.Equal(referenceBytes, bytes);
            Assert.Equal(reference.Sha256, manifest.Sha256);
            Assert.Equal((reference.RowsRead, reference.RowsFilteredByConsent, reference.RowsSuppressed, reference.RowsWritten, reference.EquivalenceClasses, reference.EquivalenceClassesSuppressed, reference.KAchieved),
                (manifest.RowsRead, manifest.RowsFilteredByConsent, manifest.RowsSuppressed, manifest.RowsWritten, manifest.EquivalenceClasses, manifest.EquivalenceClassesSuppressed, manifest.KAchieved));
        }
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task Counting_classes_in_a_first_pass_or_by_group_by_exports_the_same_bytes(ExportFormat format, bool gzip)
    {
        var request = Exports.Request(Profile(K), k: K) with { Format = format, Gzip = gzip };
        var (grouped, groupedBytes) = await RunAsync(Source(PostgresClassCount.GroupBy), request);
        Assert.True(grouped.RowsSuppressed > 0 && grouped.RowsWritten > 0, "some classes fall below k, others do not");
        Assert.Equal(_visits.Count, grouped.RowsRead);
        Assert.Equal(_visits.Count(v => !v.Consent), grouped.RowsFilteredByConsent);
        foreach (var limit in new long[] { 1, 20_000, 32L << 20 })
        {
            var (firstPass, bytes) = await RunAsync(Source(PostgresClassCount.FirstPass), request with { PendingLimit = limit });
            Assert.Equal(groupedBytes, bytes);
            Assert.Equal((grouped.Sha256, grouped.RowsRead, grouped.RowsFilteredByConsent, grouped.RowsSuppressed, grouped.RowsWritten, grouped.EquivalenceClasses, grouped.EquivalenceClassesSuppressed, grouped.KAchieved),
                (firstPass.Sha256, firstPass.RowsRead, firstPass.RowsFilteredByConsent, firstPass.RowsSuppressed, firstPass.RowsWritten, firstPass.EquivalenceClasses, firstPass.EquivalenceClassesSuppressed, firstPass.KAchieved));
        }
    }

    [Fact]
    public async Task Both_class_counts_agree_when_owner_filters_make_the_reads_parameterized_queries()
    {
        // Filters are parameters, which COPY cannot take: both the count and the stream go through Npgsql's data reader.
        RowFilter[] filters = [new("sex", FilterOperator.In, new[] { "F", "M" }), new("cd4_count", FilterOperator.Greater, 100)];
        var request = Exports.Request(Profile(K), k: K) with { PendingLimit = 20_000 };
        var (grouped, groupedBytes) = await RunAsync(Source(PostgresClassCount.GroupBy, filters), request);
        var (firstPass, bytes) = await RunAsync(Source(PostgresClassCount.FirstPass, filters), request);
        var selected = _visits.Where(v => v.Sex is "F" or "M" && v.Cd4 > 100).ToList();
        Assert.Equal(selected.Count, firstPass.RowsRead);
        Assert.Equal(selected.Count(v => !v.Consent), firstPass.RowsFilteredByConsent);
        Assert.True(firstPass.RowsSuppressed > 0 && firstPass.RowsWritten > 0, "some classes fall below k, others do not");
        Assert.Equal(groupedBytes, bytes);
        Assert.Equal((grouped.RowsRead, grouped.RowsFilteredByConsent, grouped.RowsSuppressed, grouped.RowsWritten, grouped.EquivalenceClasses, grouped.KAchieved),
            (firstPass.RowsRead, firstPass.RowsFilteredByConsent, firstPass.RowsSuppressed, firstPass.RowsWritten, firstPass.EquivalenceClasses, firstPass.KAchieved));
    }

    [Theory]
    [InlineData(nameof(ClassTableKind.Dense))]
    [InlineData(nameof(ClassTableKind.Sparse))]
    [InlineData(nameof(ClassTableKind.Text))]
    public async Task Every_class_table_layout_exports_the_same_bytes_as_a_csv_file_of_the_same_rows(string layout)
    {
        var kind = Enum.Parse<ClassTableKind>(layout);
        using var folder = new TempFolder();
        await File.WriteAllTextAsync(folder.File("visits.csv"), Patients.ToCsv(_visits));
        var csv = new Sources.Files.CsvSource(new Sources.Files.FileRoots([folder.Path]), "visits.csv");
        var request = Exports.Request(Profile(K), k: K);
        // Files are counted by a first pass into the text-keyed EquivalenceClasses: an independent path.
        var (fromFile, fileBytes) = await RunAsync(csv, request);
        var (fromDb, dbBytes) = await RunAsync(Source(), request with { ClassTable = kind, PendingLimit = 3000 });
        Assert.Equal(fileBytes, dbBytes);
        Assert.Equal((fromFile.RowsSuppressed, fromFile.RowsWritten, fromFile.EquivalenceClasses, fromFile.EquivalenceClassesSuppressed, fromFile.KAchieved),
            (fromDb.RowsSuppressed, fromDb.RowsWritten, fromDb.EquivalenceClasses, fromDb.EquivalenceClassesSuppressed, fromDb.KAchieved));
    }

    [Fact]
    public async Task Cancelling_while_the_count_runs_stops_the_export_and_frees_both_connections()
    {
        using var cancel = new CancellationTokenSource();
        var stalling = new ChangingSource(Source(), () => Task.CompletedTask) { StallCount = true };
        var export = RunAsync(stalling, Exports.Request(Profile(), k: 3) with { PendingLimit = 1 }, cancel.Token);
        await stalling.CountStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(2, await BusyBackendsAsync());
        cancel.CancelAfter(200);
        var e = await Assert.ThrowsAsync<ExportException>(() => export.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("cancelled", e.Message, StringComparison.Ordinal);
        Assert.NotNull(e.Manifest);
        Assert.False(e.Manifest.Complete);
        Assert.Equal(0, e.Manifest.BytesWritten);
        Assert.True(stalling.CountCancelled, "the count saw the cancellation");
        Assert.Equal(0, await BusyBackendsAsync());
    }

    /// <summary>Backends of the test database inside a transaction (the export's two) or running a statement; pooled idle ones do not count.</summary>
    private async Task<long> BusyBackendsAsync()
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_db.ConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle'", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task An_empty_selection_and_a_profile_without_quasi_identifiers_export_like_before()
    {
        await ExecuteAsync("CREATE TABLE no_rows (LIKE visits); CREATE TABLE refused_only AS SELECT * FROM visits WHERE NOT research_consent;");
        foreach (var relation in new[] { "no_rows", "refused_only" })
        {
            var source = new PostgresSource(new PostgresSourceOptions { ConnectionString = _db.ConnectionString, Relation = relation });
            var (manifest, bytes) = await RunAsync(source, Exports.Request(Profile(K), k: K) with { PendingLimit = 1 });
            Assert.Equal(relation == "no_rows" ? 0 : _visits.Count(v => !v.Consent), manifest.RowsRead);
            Assert.Equal(manifest.RowsRead, manifest.RowsFilteredByConsent);
            Assert.Equal((0L, 0L, 0L, (long?)null), (manifest.RowsWritten, manifest.RowsSuppressed, manifest.EquivalenceClasses, manifest.KAchieved));
            Assert.True(manifest.Complete);
            Assert.StartsWith("visit_id,patient_id,", System.Text.Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
        }

        // No quasi-identifier: every consenting row is one class, delivered when it has k rows.
        var profile = AnonymizationProfile.Parse(Patients.ProfileJson(K).Replace("\"quasiIdentifier\"", "\"sensitive\"", StringComparison.Ordinal));
        var (all, _) = await RunAsync(Source(), Exports.Request(profile, k: K) with { PendingLimit = 100 });
        Assert.Equal(_visits.Count(v => v.Consent), all.RowsWritten);
        Assert.Equal((1L, (long?)all.RowsWritten, 0L), (all.EquivalenceClasses, all.KAchieved, all.RowsSuppressed));
    }

    /// <summary>A PostgreSQL source that lets a test act between the export's first snapshot and its second connection.</summary>
    private sealed class ChangingSource(PostgresSource inner, Func<Task> change) : ExportSource
    {
        private readonly Func<Task> _change = change;

        public int Changes { get; private set; }

        /// <summary>The class count never finishes on its own (until cancelled).</summary>
        public bool StallCount { get; init; }

        public TaskCompletionSource CountStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool CountCancelled { get; set; }

        public override string DisplayName => inner.DisplayName;

        public override Task<SourceSchema> DescribeAsync(CancellationToken cancellationToken = default) => inner.DescribeAsync(cancellationToken);

        internal override bool FiltersConsent => inner.FiltersConsent;

        internal override async Task<SourceSession> OpenSessionAsync(CancellationToken cancellationToken) =>
            new Session(this, await inner.OpenSessionAsync(cancellationToken));

        private sealed class Session(ChangingSource owner, SourceSession session) : SourceSession
        {
            public override Task<RowReader> OpenReaderAsync(ReadPlan plan, CancellationToken cancellationToken) => session.OpenReaderAsync(plan, cancellationToken);

            public override async Task<bool> CountGroupsAsync(ReadPlan plan, IReadOnlyList<GroupingColumn> groupBy, GroupVisitor visit, bool refused, CancellationToken cancellationToken)
            {
                if (owner.StallCount)
                {
                    owner.CountStarted.SetResult();
                    try
                    {
                        await Task.Delay(Timeout.Infinite, cancellationToken);
                    }
                    catch (OperationCanceledException)
                    {
                        owner.CountCancelled = true;
                        throw;
                    }
                }
                return await session.CountGroupsAsync(plan, groupBy, visit, refused, cancellationToken);
            }

            public override Task<long?> CountRefusedAsync(ReadPlan plan, CancellationToken cancellationToken) => session.CountRefusedAsync(plan, cancellationToken);

            public override async Task<SourceSession?> ForkAsync(CancellationToken cancellationToken)
            {
                // This session's snapshot exists already; the fork's transaction starts after the change.
                await owner._change();
                owner.Changes++;
                return await session.ForkAsync(cancellationToken);
            }

            public override async ValueTask DisposeAsync()
            {
                await session.DisposeAsync();
                await base.DisposeAsync();
            }
        }
    }
}
