using System.Globalization;
using Portal.Connectors.Anonymization;
using Portal.Connectors.Sources;
using Portal.Connectors.Sources.Files;
using Portal.Connectors.Sources.Postgres;
using Portal.Connectors.Tests.Support;
using Portal.Tests.Infrastructure;

namespace Portal.Connectors.Tests;

/// <summary>
/// The privacy properties, over generated visits of several seeds and sizes, from PostgreSQL and from CSV.
/// Expected numbers are computed here with LINQ over the generated data, never by the connector.
/// </summary>
public sealed class PatientPropertyTests : IDisposable
{
    private readonly TestDatabase _db = TestDatabase.Create("conn_props");
    private readonly TempFolder _folder = new();

    public void Dispose()
    {
        _db.Dispose();
        _folder.Dispose();
    }

    public static TheoryData<int, int, int> Cases => new()
    {
        { 1, 40, 2 },
        { 2, 150, 3 },
        { 3, 400, 5 },
        { 4, 900, 4 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Postgres_and_csv_exports_keep_every_privacy_property(int seed, int patients, int k)
    {
        var visits = Patients.Generate(patients, seed);
        var table = $"visits_{seed}";
        await Patients.LoadAsync(_db.ConnectionString, table, visits);
        await File.WriteAllTextAsync(_folder.File($"visits_{seed}.csv"), Patients.ToCsv(visits));
        var profile = AnonymizationProfile.Parse(Patients.ProfileJson(k));

        ExportSource pg = new PostgresSource(new PostgresSourceOptions { ConnectionString = _db.ConnectionString, Relation = table });
        ExportSource csv = new CsvSource(new FileRoots([_folder.Path]), $"visits_{seed}.csv");

        var (pgA, pgTextA) = await Exports.RunCsvAsync(pg, Exports.Request(profile, "grant-A"));
        var (csvA, csvTextA) = await Exports.RunCsvAsync(csv, Exports.Request(profile, "grant-A"));
        var (_, pgTextB) = await Exports.RunCsvAsync(pg, Exports.Request(profile, "grant-B"));

        foreach (var (manifest, text) in new[] { (pgA, pgTextA), (csvA, csvTextA) })
        {
            AssertProperties(visits, k, manifest, text);
        }
        // Same data, same key: the two sources must deliver the very same bytes.
        Assert.Equal(pgTextA, csvTextA);
        Assert.Equal(pgA.Sha256, csvA.Sha256);
        AssertUnlinkableAcrossGrants(SimpleCsv.Records(pgTextA), SimpleCsv.Records(pgTextB), visits);
    }

    private static void AssertProperties(List<Visit> visits, int k, ExportManifest manifest, string text)
    {
        var rows = SimpleCsv.Records(text);
        var byVisit = visits.ToDictionary(v => v.VisitId);

        // Expected numbers, computed independently.
        var consenting = visits.Where(v => v.Consent).ToList();
        var classes = consenting.GroupBy(v => (v.BirthDate.Year, v.Sex, Postcode: v.Postcode.StartsWith("036", StringComparison.Ordinal) ? "000" : v.Postcode[..3])).ToList();
        var kept = classes.Where(g => g.Count() >= k).SelectMany(g => g).ToList();
        Assert.Equal(visits.Count, manifest.RowsRead);
        Assert.Equal(visits.Count - consenting.Count, manifest.RowsFilteredByConsent);
        Assert.Equal(consenting.Count - kept.Count, manifest.RowsSuppressed);
        Assert.Equal(kept.Count, manifest.RowsWritten);
        Assert.Equal(kept.Count, rows.Count);
        Assert.Equal(classes.Where(g => g.Count() >= k).Select(g => (long?)g.Count()).DefaultIfEmpty(null).Min(), manifest.KAchieved);
        Assert.True(manifest.Complete);
        Assert.Equal(k, manifest.K);
        Assert.True(manifest.RowsSuppressed > 0 || k > 3, "the small cases are sized so that some classes fall below k");

        // No direct identifier anywhere: not as a field, not inside the text.
        var identifiers = visits.SelectMany(v => new[] { v.PatientId.ToString(CultureInfo.InvariantCulture), v.Mrn, v.FirstName, v.LastName }).ToHashSet();
        Assert.DoesNotContain(rows.SelectMany(r => r.Values), identifiers.Contains);
        foreach (var id in identifiers)
        {
            Assert.DoesNotContain(id, text, StringComparison.Ordinal);
        }
        Assert.Equal(["visit_id", "patient_id", "last_name", "birth_date", "sex", "postcode", "admission_date", "diagnosis_code", "cd4_count"], SimpleCsv.Parse(text)[0]);

        // Every delivered class has at least k rows.
        Assert.All(rows.GroupBy(r => (r["birth_date"], r["sex"], r["postcode"])), g => Assert.True(g.Count() >= k, $"class {g.Key} has {g.Count()} < {k} rows"));

        // Nobody who refused consent.
        Assert.All(rows, r => Assert.True(byVisit[long.Parse(r["visit_id"], CultureInfo.InvariantCulture)].Consent));

        // One pseudonym per subject, different subjects different pseudonyms; one date shift per subject, within bounds.
        var bySubject = rows.GroupBy(r => byVisit[long.Parse(r["visit_id"], CultureInfo.InvariantCulture)].PatientId).ToList();
        foreach (var subject in bySubject)
        {
            Assert.Single(subject.Select(r => r["patient_id"]).Distinct());
            var offsets = subject.Select(r =>
                DateOnly.ParseExact(r["admission_date"], "yyyy-MM-dd", CultureInfo.InvariantCulture).DayNumber
                - byVisit[long.Parse(r["visit_id"], CultureInfo.InvariantCulture)].AdmissionDate.DayNumber).Distinct().ToList();
            Assert.Single(offsets);
            Assert.InRange(offsets[0], -60, 60);
        }
        Assert.Equal(bySubject.Count, bySubject.Select(s => s.First()["patient_id"]).Distinct().Count());

        // Bounded noise, generalization as declared.
        foreach (var r in rows)
        {
            var v = byVisit[long.Parse(r["visit_id"], CultureInfo.InvariantCulture)];
            Assert.Equal(v.BirthDate.Year.ToString(CultureInfo.InvariantCulture), r["birth_date"]);
            Assert.Equal("***", r["last_name"]);
            if (v.Cd4 is { } cd4)
            {
                Assert.InRange(long.Parse(r["cd4_count"], CultureInfo.InvariantCulture), cd4 - 5, cd4 + 5);
            }
            else
            {
                Assert.Equal("", r["cd4_count"]);
            }
        }
    }

    private static void AssertUnlinkableAcrossGrants(List<Dictionary<string, string>> a, List<Dictionary<string, string>> b, List<Visit> visits)
    {
        Assert.Equal(a.Count, b.Count);
        var pseudonymsA = a.Select(r => r["patient_id"]).ToHashSet();
        Assert.DoesNotContain(b, r => pseudonymsA.Contains(r["patient_id"]));
        var byVisit = visits.ToDictionary(v => v.VisitId);
        var shiftsDiffer = a.Zip(b).Count(p => p.First["admission_date"] != p.Second["admission_date"]);
        Assert.True(shiftsDiffer > a.Count / 2, "date shifts should change with the grant");
        Assert.All(a.Zip(b), p => Assert.Equal(p.First["visit_id"], p.Second["visit_id"]));
        Assert.NotEmpty(byVisit);
    }
}
