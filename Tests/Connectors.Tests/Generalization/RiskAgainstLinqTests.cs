using Portal.Connectors.Anonymization.Generalization;
using Portal.Connectors.Anonymization.Risk;

namespace Portal.Connectors.Tests.Generalization;

/// <summary>Every risk figure against its definition computed per record with LINQ.</summary>
[Collection(LatticeSearches.Name)]
public sealed class RiskAgainstLinqTests
{
    [Theory]
    [InlineData(new[] { 0, 0, 0, 0, 0, 0, 0, 0 }, 0.2)]
    [InlineData(new[] { 0, 2, 1, 1, 1, 1, 1, 0 }, 0.2)]
    [InlineData(new[] { 1, 3, 1, 2, 2, 2, 2, 1 }, 0.05)]
    public void Figures_match_a_per_record_computation(int[] levels, double threshold)
    {
        var sizes = IndependentClasses.At(levels).Values.Select(v => v.Count).ToList();
        var perRecord = sizes.SelectMany(size => Enumerable.Repeat(1.0 / size, size)).ToList();

        var risk = ReidentificationRisk.FromClassSizes(sizes.Select(s => (long)s), threshold);

        Assert.Equal(30_162, risk.Records);
        Assert.Equal(sizes.Count, risk.Classes);
        Assert.Equal(perRecord.Max(), risk.HighestProsecutorRisk, 12);
        Assert.Equal(perRecord.Average(), risk.AverageProsecutorRisk, 12);
        Assert.Equal(perRecord.Count(r => r > threshold) / (double)perRecord.Count, risk.RecordsAboveThreshold, 12);
        Assert.Equal(sizes.Count(s => s == 1) / (double)perRecord.Count, risk.SampleUniques, 12);
        Assert.Equal(sizes.Count / (double)perRecord.Count, risk.MarketerRisk, 12);
    }

    [Fact]
    public void The_search_reports_the_risk_of_the_classes_it_delivers()
    {
        var result = FlashSearch.Run(AdultLattice.Input, new GeneralizationSettings { K = 5, SuppressionLimit = 0.04 });
        var kept = IndependentClasses.At([.. result.Levels.Select(l => l.Value)]).Values.Select(v => v.Count).Where(n => n >= 5).ToList();
        Assert.NotNull(result.Risk);
        Assert.Equal(kept.Sum(), result.Risk.Records);
        Assert.Equal(1.0 / kept.Min(), result.Risk.HighestProsecutorRisk, 12);
        Assert.True(result.Risk.HighestProsecutorRisk <= 0.2);
        Assert.Equal(0, result.Risk.SampleUniques);
    }

    [Fact]
    public void A_risk_exactly_at_the_threshold_is_not_above_it()
    {
        var risk = ReidentificationRisk.FromClassSizes([5, 4, 1], 0.2);
        Assert.Equal(5 / 10.0, risk.RecordsAboveThreshold, 12);
        Assert.Equal(1 / 10.0, risk.SampleUniques, 12);
        Assert.Equal(1.0, risk.HighestProsecutorRisk);
        Assert.Equal(0, ReidentificationRisk.FromClassSizes([]).Records);
    }
}
