using Portal.Connectors.Anonymization;
using Portal.Connectors.Sources;
using Portal.Connectors.Sources.Files;
using Portal.Connectors.Sources.Postgres;
using Portal.Connectors.Tests.Support;
using Portal.Tests.Infrastructure;

namespace Portal.Connectors.Tests.Hierarchies;

/// <summary>
/// With built hierarchies on every quasi-identifier the PostgreSQL count reads classes, not rows, even in the default
/// first-pass mode: the export is byte for byte the one a CSV file of the same rows gives (counted in memory), and the
/// one a GROUP BY count gives.
/// </summary>
public sealed class HierarchyClassCountTests : IAsyncLifetime, IDisposable
{
    private const int K = 35;

    private readonly TestDatabase _db = TestDatabase.Create("conn_hiercount");
    private readonly TempFolder _folder = new();
    private List<Visit> _visits = [];

    public async Task InitializeAsync()
    {
        _visits = Patients.Generate(1500, 23);
        await Patients.LoadAsync(_db.ConnectionString, "visits", _visits);
        await File.WriteAllTextAsync(_folder.File("visits.csv"), Patients.ToCsv(_visits));
    }

    public Task DisposeAsync()
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _db.Dispose();
        _folder.Dispose();
    }

    private static string Profile(string sex = """{ "type": "hierarchy", "build": { "kind": "category", "groups": [ { "*": ["F", "M", "X"] } ] }, "level": 0 }""") =>
        Patients.ProfileJson(K)
            .Replace("""{ "type": "dateGeneralize", "to": "year" }""", """{ "type": "hierarchy", "build": { "kind": "date", "steps": ["month", "year", "10years"] }, "level": 2 }""", StringComparison.Ordinal)
            .Replace("""{ "name": "sex", "class": "quasiIdentifier" }""", $$"""{ "name": "sex", "class": "quasiIdentifier", "transform": {{sex}} }""", StringComparison.Ordinal)
            .Replace("""{ "type": "postcode", "digits": 3, "restrictedPrefixes": ["036"] }""", """{ "type": "hierarchy", "build": { "kind": "postcode", "length": 5 }, "level": 2 }""", StringComparison.Ordinal);

    private PostgresSource Postgres(PostgresClassCount count) =>
        new(new PostgresSourceOptions { ConnectionString = _db.ConnectionString, Relation = "visits", ClassCount = count });

    [Fact]
    public async Task Classes_counted_in_PostgreSQL_give_the_bytes_of_a_file_counted_in_memory()
    {
        var profile = AnonymizationProfile.Parse(Profile());
        Assert.DoesNotContain("dateGeneralize", Profile(), StringComparison.Ordinal);
        var request = Exports.Request(profile, k: K);
        var (file, fileText) = await Exports.RunCsvAsync(new CsvSource(new FileRoots([_folder.Path]), "visits.csv"), request);
        Assert.True(file.RowsSuppressed > 0 && file.RowsWritten > 0, "some classes fall below k, others do not");
        foreach (var count in new[] { PostgresClassCount.FirstPass, PostgresClassCount.GroupBy })
        {
            var (pg, pgText) = await Exports.RunCsvAsync(Postgres(count), request);
            Assert.Equal(fileText, pgText);
            Assert.Equal((file.Sha256, file.RowsRead, file.RowsFilteredByConsent, file.RowsSuppressed, file.RowsWritten, file.EquivalenceClasses, file.EquivalenceClassesSuppressed, file.KAchieved),
                (pg.Sha256, pg.RowsRead, pg.RowsFilteredByConsent, pg.RowsSuppressed, pg.RowsWritten, pg.EquivalenceClasses, pg.EquivalenceClassesSuppressed, pg.KAchieved));
        }
    }

    [Theory]
    [InlineData("""{ "type": "hierarchy", "build": { "kind": "category", "groups": [ { "*": ["F", "M", "X"] } ] }, "level": 0 }""", true)]
    [InlineData("""{ "type": "keep" }""", false)]
    public async Task The_first_pass_reads_classes_when_every_quasi_identifier_is_generalized_in_the_database_or_listed(string sex, bool classes)
    {
        var source = Postgres(PostgresClassCount.FirstPass);
        var plan = ExportPlan.Create(Exports.Request(AnonymizationProfile.Parse(Profile(sex)), k: K), await source.DescribeAsync(), source.FiltersConsent);
        long rows = 0;
        long groups = 0;
        await using var session = await source.OpenSessionAsync(default);
        var counted = await session.CountGroupsAsync(plan.Read, plan.Grouping, (_, consented, _) =>
        {
            groups++;
            rows += consented;
        }, refused: false, default);

        Assert.Equal(classes, counted);
        if (classes)
        {
            Assert.Equal(_visits.Count(v => v.Consent), rows);
            // Years × sexes × postcode prefixes: a few dozen groups for over a thousand rows.
            Assert.InRange(groups, 2, 100);
        }
    }
}
