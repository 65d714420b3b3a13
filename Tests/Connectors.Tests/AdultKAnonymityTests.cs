using Portal.Connectors.Anonymization;
using Portal.Connectors.Sources.Files;
using Portal.Connectors.Tests.Support;

namespace Portal.Connectors.Tests;

/// <summary>
/// UCI Adult with ARX's own hierarchies: after generalizing to fixed levels, suppression follows ARX's
/// semantics (records of classes smaller than k are removed, every remaining class has at least k).
/// The expected numbers come from plain LINQ over the file and the hierarchy files.
/// </summary>
public sealed class AdultKAnonymityTests
{
    private static readonly (string Attribute, int Level)[] Levels =
    [
        ("sex", 0), ("age", 2), ("race", 1), ("marital-status", 1), ("education", 1),
        ("native-country", 1), ("workclass", 1), ("occupation", 1),
    ];

    [Theory]
    [InlineData(2)]
    [InlineData(5)]
    [InlineData(10)]
    [InlineData(50)]
    public async Task Suppression_matches_an_independent_group_count(int k)
    {
        var folder = RepoPaths.Adult;
        var profile = AnonymizationProfile.Parse(ProfileJson(k), folder);
        var source = new CsvSource(new FileRoots([folder]), "adult.csv", new CsvOptions { Delimiter = ';' });

        var (manifest, text) = await Exports.RunCsvAsync(source, Exports.Request(profile));

        var expected = Expected(folder, k);
        Assert.Equal(30_162, manifest.RowsRead);
        Assert.Equal(0, manifest.RowsFilteredByConsent);
        Assert.Equal(expected.Suppressed, manifest.RowsSuppressed);
        Assert.Equal(expected.Kept, manifest.RowsWritten);
        Assert.Equal(expected.SmallestKept, manifest.KAchieved);
        Assert.Equal(expected.Classes, manifest.EquivalenceClasses);
        Assert.True(expected.Suppressed > 0, "the chosen levels leave small classes, so suppression is exercised");

        var rows = SimpleCsv.Records(text);
        Assert.Equal(expected.Kept, rows.Count);
        var delivered = rows.GroupBy(r => string.Join("|", Levels.Select(l => r[l.Attribute]))).ToList();
        Assert.All(delivered, g => Assert.True(g.Count() >= k));
        Assert.Equal(expected.Classes, delivered.Count);
        Assert.Equal(expected.SmallestKept, delivered.Min(g => g.Count()));
    }

    private static (long Suppressed, long Kept, long? SmallestKept, long Classes) Expected(string folder, int k)
    {
        var hierarchies = Levels.ToDictionary(
            l => l.Attribute,
            l => File.ReadLines(Path.Combine(folder, $"adult_hierarchy_{l.Attribute}.csv"))
                .Where(line => line.Length > 0)
                .Select(line => line.Split(';'))
                .ToDictionary(f => f[0], f => f[l.Level]));
        var lines = File.ReadLines(Path.Combine(folder, "adult.csv")).ToList();
        var header = lines[0].Split(';');
        var groups = lines.Skip(1)
            .Select(line => line.Split(';'))
            .GroupBy(f => string.Join("|", Levels.Select(l => hierarchies[l.Attribute][f[Array.IndexOf(header, l.Attribute)]])))
            .Select(g => g.Count())
            .ToList();
        var kept = groups.Where(n => n >= k).ToList();
        return (groups.Where(n => n < k).Sum(), kept.Sum(), kept.Count == 0 ? null : kept.Min(), kept.Count);
    }

    private static string ProfileJson(int k)
    {
        var columns = Levels.Select(l =>
            $$"""{ "name": "{{l.Attribute}}", "class": "quasiIdentifier", "transform": { "type": "hierarchy", "file": "adult_hierarchy_{{l.Attribute}}.csv", "level": {{l.Level}} } }""");
        return $$"""
            { "formatVersion": 1, "name": "adult", "version": 1, "k": {{k}},
              "columns": [ {{string.Join(",\n", columns)}}, { "name": "salary-class", "class": "sensitive" } ] }
            """;
    }
}
