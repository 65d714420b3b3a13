using Portal.Connectors.Anonymization;
using Portal.Connectors.Sources.Files;
using Portal.Connectors.Tests.Support;

namespace Portal.Connectors.Tests.Generalization;

/// <summary>The export manifest's risk figures, on an Adult export at fixed levels, against LINQ over the records.</summary>
[Collection(LatticeSearches.Name)]
public sealed class ManifestRiskTests
{
    private static readonly int[] Levels = [0, 2, 1, 1, 1, 1, 1, 0];

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public async Task The_manifest_carries_the_risk_of_the_delivered_classes(int k)
    {
        var folder = RepoPaths.Adult;
        var columns = AdultLattice.QuasiIdentifiers.Select((c, q) =>
            $$"""{ "name": "{{c}}", "class": "quasiIdentifier", "transform": { "type": "hierarchy", "file": "adult_hierarchy_{{c}}.csv", "level": {{Levels[q]}} } }""");
        var profile = AnonymizationProfile.Parse($$"""
            { "formatVersion": 1, "name": "adult", "version": 1, "k": {{k}}, "columns": [ {{string.Join(",\n", columns)}} ] }
            """, folder);
        var source = new CsvSource(new FileRoots([folder]), "adult.csv", new CsvOptions { Delimiter = ';' });

        var (manifest, _) = await Exports.RunCsvAsync(source, Exports.Request(profile));

        var delivered = IndependentClasses.At(Levels).Values.Select(v => v.Count).Where(n => n >= k).ToList();
        var perRecord = delivered.SelectMany(n => Enumerable.Repeat(1.0 / n, n)).ToList();
        var risk = Assert.IsType<Anonymization.Risk.ReidentificationRisk>(manifest.Risk);
        Assert.Equal(manifest.RowsWritten, risk.Records);
        Assert.Equal(delivered.Sum(), risk.Records);
        Assert.Equal(manifest.EquivalenceClasses, risk.Classes);
        Assert.Equal(perRecord.Max(), risk.HighestProsecutorRisk, 12);
        Assert.Equal(perRecord.Average(), risk.AverageProsecutorRisk, 12);
        Assert.Equal(perRecord.Count(r => r > 0.2) / (double)perRecord.Count, risk.RecordsAboveThreshold, 12);
        Assert.Equal(delivered.Count(n => n == 1) / (double)perRecord.Count, risk.SampleUniques, 12);
        Assert.Equal(delivered.Count / (double)perRecord.Count, risk.MarketerRisk, 12);
        Assert.Equal(k == 1, risk.SampleUniques > 0);
        Assert.Contains("\"highestProsecutorRisk\"", manifest.ToJson(), StringComparison.Ordinal);
    }
}
