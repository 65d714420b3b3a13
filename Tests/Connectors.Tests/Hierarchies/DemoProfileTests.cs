using System.Globalization;
using System.Text;
using Npgsql;
using Portal.Connectors.Anonymization;
using Portal.Connectors.Anonymization.Generalization;
using Portal.Connectors.Sources.Postgres;
using Portal.Connectors.Tests.Support;
using Portal.Tests.Infrastructure;

namespace Portal.Connectors.Tests.Hierarchies;

/// <summary>
/// The demo profile's levels were chosen by the search (k = 5, 1 % suppression, Loss) on the demo table as deploy
/// generates it: 100,000 patients from deploy/demo/hospital.sql with its default seed. Exported as the demo
/// researcher gets it, most consenting rows arrive and every class holds at least five.
/// </summary>
public sealed class DemoProfileTests : IDisposable
{
    private readonly TestDatabase _db = TestDatabase.Create("conn_demo");

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task The_demo_researcher_receives_most_consenting_rows_at_k_5()
    {
        _db.LoadHospital(Path.Combine(RepoPaths.Root, "deploy", "demo", "hospital.sql"), patients: 100_000);
        var profile = await AnonymizationProfile.LoadAsync(Path.Combine(RepoPaths.Root, "deploy", "demo", "patients-profile.json"));
        var source = new PostgresSource(new PostgresSourceOptions { ConnectionString = _db.ConnectionString, Relation = "patients" });

        var (manifest, text) = await Exports.RunCsvAsync(source, Exports.Request(profile, purpose: "HMB", k: 5));

        long consenting;
        await using (var connection = new NpgsqlConnection(_db.ConnectionString))
        {
            await connection.OpenAsync();
            await using var count = new NpgsqlCommand("SELECT count(*) FROM patients WHERE research_consent", connection);
            consenting = (long)(await count.ExecuteScalarAsync())!;
        }
        Assert.Equal(100_000, manifest.RowsRead);
        Assert.Equal(consenting, manifest.RowsRead - manifest.RowsFilteredByConsent);
        Assert.True(manifest.RowsWritten > 0.8 * consenting, $"{manifest.RowsWritten} of {consenting} consenting rows delivered");

        var records = SimpleCsv.Records(text);
        Assert.Equal(manifest.RowsWritten, records.Count);
        var classes = records.GroupBy(r => (r["birth_date"], r["sex"], r["postcode"], r["admission_date"])).ToList();
        Assert.True(classes.Min(c => c.Count()) >= 5, "a class below k = 5 was delivered");
        await AssertTheSearchChoseTheProfilesLevelsAsync(profile, manifest.RowsWritten);
        Assert.All(records.Take(100), r =>
        {
            Assert.Matches(@"^\d{3}0-\d{3}9$", r["birth_date"]);
            Assert.Matches(@"^\d\*{4}$", r["postcode"]);
            Assert.Matches(@"^\d{4}$", r["admission_date"]);
            Assert.Contains(r["sex"], new[] { "F", "M", "X" });
        });
    }

    /// <summary>The search on the consenting rows (what the export sees) picks the profile's levels and keeps exactly the rows the export wrote.</summary>
    private async Task AssertTheSearchChoseTheProfilesLevelsAsync(AnonymizationProfile profile, long rowsWritten)
    {
        using var folder = new TempFolder();
        var csv = new StringBuilder("birth_date,sex,postcode,admission_date\n");
        await using (var connection = new NpgsqlConnection(_db.ConnectionString))
        {
            await connection.OpenAsync();
            await using var select = new NpgsqlCommand("SELECT birth_date::text, sex::text, postcode, admission_date::text FROM patients WHERE research_consent", connection);
            await using var reader = await select.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                csv.Append(CultureInfo.InvariantCulture, $"{reader.GetString(0)},{reader.GetString(1)},{reader.GetString(2)},{reader.GetString(3)}\n");
            }
        }
        await File.WriteAllTextAsync(folder.File("consenting.csv"), csv.ToString());
        var settings = new GeneralizationSettings { K = 5, SuppressionLimit = 0.01, Metric = UtilityMetricKind.Loss };
        var result = await OfflineGeneralizer.RunAsync(Path.Combine(RepoPaths.Root, "deploy", "demo", "patients-profile.json"), folder.File("consenting.csv"), settings, null, default);
        Assert.True(result.Found);
        var chosen = result.Levels.ToDictionary(l => l.Key, l => l.Value);
        Assert.All(chosen, l => Assert.Equal(profile.Find(l.Key)!.Transform.Level, l.Value));
        Assert.Equal(4, chosen.Count);
        Assert.Equal(result.RowsKept, rowsWritten);
    }
}
