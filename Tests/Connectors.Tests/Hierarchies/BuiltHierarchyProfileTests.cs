using System.Globalization;
using System.Text;
using Portal.Connectors.Anonymization;
using Portal.Connectors.Anonymization.Generalization;
using Portal.Connectors.Sources.Files;
using Portal.Connectors.Tests.Support;

namespace Portal.Connectors.Tests.Hierarchies;

/// <summary>A profile carries a built hierarchy: it loads without a folder, exports any value of the right form, and the search works from the data's values.</summary>
public sealed class BuiltHierarchyProfileTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static string Profile(string birth, string postcode = """{ "kind": "postcode", "length": 5 }""", int level = 1) => $$"""
        {
          "formatVersion": 1, "name": "built", "version": 1, "k": 1,
          "columns": [
            { "name": "id", "class": "other" },
            { "name": "birth", "class": "quasiIdentifier", "transform": { "type": "hierarchy", "build": {{birth}}, "level": {{level}} } },
            { "name": "postcode", "class": "quasiIdentifier", "transform": { "type": "hierarchy", "build": {{postcode}}, "level": 2 } },
            { "name": "cd4", "class": "sensitive", "transform": { "type": "hierarchy", "build": { "kind": "number", "widths": [50, 100], "max": 1000 }, "level": 1 } }
          ]
        }
        """;

    [Fact]
    public async Task Built_hierarchies_load_without_a_folder_and_export_values_no_list_foresaw()
    {
        var profile = AnonymizationProfile.Parse(Profile("""{ "kind": "date", "steps": ["year", "5years"] }"""));
        await File.WriteAllTextAsync(_folder.File("p.csv"), "id,birth,postcode,cd4\n1,1983-07-14,12345,420\n2,2024-02-29,99999,1200\n");
        var (manifest, text) = await Exports.RunCsvAsync(new CsvSource(new FileRoots([_folder.Path]), "p.csv"), Exports.Request(profile));
        Assert.Equal(2, manifest.RowsWritten);
        Assert.Equal(["id,birth,postcode,cd4", "1,1983,123**,\"[400, 450)\"", "2,2024,999**,>=1000"], text.TrimEnd('\n').Split('\n').Select(l => l.TrimEnd('\r')));
    }

    [Fact]
    public async Task A_value_outside_the_hierarchys_form_stops_the_export_without_quoting_it()
    {
        var profile = AnonymizationProfile.Parse(Profile("""{ "kind": "date" }"""));
        await File.WriteAllTextAsync(_folder.File("p.csv"), "id,birth,postcode,cd4\n1,14.07.1983,12345,420\n");
        var e = await Assert.ThrowsAnyAsync<ConnectorException>(() => Exports.RunCsvAsync(new CsvSource(new FileRoots([_folder.Path]), "p.csv"), Exports.Request(profile)));
        Assert.Contains("not covered by hierarchy date(month, year, 5years)", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("14.07.1983", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "kind": "date", "steps": ["decade"] }""", "columns[1] 'birth': transform.build.steps: 'decade' is not one of")]
    [InlineData("""{ "kind": "date" }""", "columns[1] 'birth': transform.level 9 is beyond the built hierarchy's 5 levels", 9)]
    [InlineData("""{ "kind": "category", "groups": [ { "A": ["a", "b"], "C": ["c"] }, { "P": ["a"], "Q": ["b", "c"] } ] }""", "columns[1] 'birth': transform.build: category: groups do not nest")]
    public void Bad_build_specs_are_named_in_the_profile_errors(string birth, string error, int level = 1)
    {
        var e = Assert.Throws<ProfileValidationException>(() => AnonymizationProfile.Parse(Profile(birth, level: level)));
        Assert.Contains(e.Errors, m => m.StartsWith(error, StringComparison.Ordinal));
    }

    [Fact]
    public void File_and_build_together_or_neither_are_refused()
    {
        var both = Profile("""{ "kind": "date" }""").Replace("\"level\": 1", "\"level\": 1, \"file\": \"h.csv\"", StringComparison.Ordinal);
        Assert.Contains(Assert.Throws<ProfileValidationException>(() => AnonymizationProfile.Parse(both)).Errors, m => m.Contains("file or build is required, not both", StringComparison.Ordinal));
        var neither = Profile("""{ "kind": "date" }""").Replace("\"build\": { \"kind\": \"date\" }, ", "", StringComparison.Ordinal);
        Assert.Contains(Assert.Throws<ProfileValidationException>(() => AnonymizationProfile.Parse(neither)).Errors, m => m.Contains("file or build is required, not both", StringComparison.Ordinal));
    }

    /// <summary>
    /// The search on built (computed) hierarchies equals the search on the very same hierarchies written out as ARX files:
    /// the lattice numbers the groups of the values present, whichever way the hierarchy came.
    /// </summary>
    [Fact]
    public async Task The_search_on_built_hierarchies_equals_the_search_on_the_same_tables_as_files()
    {
        var random = new Random(5);
        var csv = new StringBuilder("id,birth,postcode,cd4\n");
        for (var i = 0; i < 3000; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{i},{new DateOnly(1940, 1, 1).AddDays(random.Next(20_000)):yyyy-MM-dd},{random.Next(10, 13)}{random.Next(1000):000},{random.Next(50, 1500)}\n");
        }
        await File.WriteAllTextAsync(_folder.File("data.csv"), csv.ToString());
        var built = Profile("""{ "kind": "date", "steps": ["month", "year", "5years", "10years"] }""");
        await File.WriteAllTextAsync(_folder.File("built.json"), built);
        var records = SimpleCsv.Parse(csv.ToString()).Skip(1).ToList();
        var parsed = AnonymizationProfile.Parse(built);
        foreach (var (column, index) in new[] { ("birth", 1), ("postcode", 2) })
        {
            var table = parsed.Find(column)!.Transform.Build!.Build(column, records.Select(r => r[index]));
            await File.WriteAllLinesAsync(_folder.File($"{column}.csv"), records.Select(r => r[index]).Distinct().Select(v => string.Join(';', Enumerable.Range(0, table.Levels).Select(l => table.Generalize(v, l)))));
        }
        var files = built.Replace("\"build\": { \"kind\": \"date\", \"steps\": [\"month\", \"year\", \"5years\", \"10years\"] }", "\"file\": \"birth.csv\"", StringComparison.Ordinal)
            .Replace("\"build\": { \"kind\": \"postcode\", \"length\": 5 }", "\"file\": \"postcode.csv\"", StringComparison.Ordinal);
        Assert.Contains("birth.csv", files, StringComparison.Ordinal);
        await File.WriteAllTextAsync(_folder.File("files.json"), files);

        foreach (var settings in new[] { new GeneralizationSettings { K = 5 }, new GeneralizationSettings { K = 10, SuppressionLimit = 0.02, Metric = UtilityMetricKind.Loss } })
        {
            var a = await OfflineGeneralizer.RunAsync(_folder.File("built.json"), _folder.File("data.csv"), settings, null, default);
            var b = await OfflineGeneralizer.RunAsync(_folder.File("files.json"), _folder.File("data.csv"), settings, null, default);
            Assert.True(a.Found);
            Assert.Equal(b.Levels, a.Levels);
            Assert.Equal(b.RowsSuppressed, a.RowsSuppressed);
            Assert.Equal(b.Value, a.Value);
        }
    }
}
