using Portal.Connectors.Anonymization.Generalization;

namespace Portal.Connectors.Tests.Generalization;

/// <summary>
/// The Flash search against the exhaustive search over all 4,320 nodes of Adult's lattice: the same node and the same
/// value, for every k, suppression limit and metric the issue names, and for models that are not monotone under
/// suppression (where the search must not prune on them).
/// </summary>
[Collection(LatticeSearches.Name)]
public sealed class SearchMatchesExhaustiveTests
{
    public static TheoryData<int, double, UtilityMetricKind> IssueCases()
    {
        var data = new TheoryData<int, double, UtilityMetricKind>();
        foreach (var k in new[] { 2, 5, 10, 100 })
        {
            foreach (var suppression in new[] { 0.0, 0.04 })
            {
                foreach (var metric in new[] { UtilityMetricKind.Loss, UtilityMetricKind.NonUniformEntropy })
                {
                    data.Add(k, suppression, metric);
                }
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(IssueCases))]
    public void Flash_finds_the_exhaustive_optimum(int k, double suppression, UtilityMetricKind metric)
    {
        var settings = new GeneralizationSettings { K = k, SuppressionLimit = suppression, Metric = metric };
        AssertSameOptimum(settings);
    }

    [Theory]
    [InlineData(0.0, UtilityMetricKind.NonUniformEntropy)]
    [InlineData(0.04, UtilityMetricKind.NonUniformEntropy)]
    [InlineData(0.04, UtilityMetricKind.Loss)]
    public void Flash_finds_the_exhaustive_optimum_with_diversity_and_closeness(double suppression, UtilityMetricKind metric)
    {
        AssertSameOptimum(new GeneralizationSettings { K = 5, SuppressionLimit = suppression, Metric = metric, DistinctL = 3 });
        AssertSameOptimum(new GeneralizationSettings { K = 5, SuppressionLimit = suppression, Metric = metric, EntropyL = 2.5 });
        AssertSameOptimum(new GeneralizationSettings { K = 2, SuppressionLimit = suppression, Metric = metric, T = 0.3 });
    }

    [Fact]
    public void Flash_checks_a_small_part_of_the_lattice()
    {
        var result = FlashSearch.Run(AdultLattice.Input, new GeneralizationSettings { K = 5, Metric = UtilityMetricKind.NonUniformEntropy });
        Assert.Equal(4_320, result.LatticeSize);
        Assert.InRange(result.NodesChecked, 1, 4_320 / 10);
    }

    private static void AssertSameOptimum(GeneralizationSettings settings)
    {
        var flash = FlashSearch.Run(AdultLattice.Input, settings);
        var exhaustive = ExhaustiveSearch.Run(AdultLattice.Input, settings);
        Assert.True(exhaustive.Found);
        Assert.Equal(4_320, exhaustive.NodesChecked);
        Assert.Equal(exhaustive.Levels, flash.Levels);
        Assert.Equal(exhaustive.Node, flash.Node);
        Assert.Equal(exhaustive.Value, flash.Value);
        Assert.Equal(exhaustive.RowsSuppressed, flash.RowsSuppressed);
        Assert.InRange(flash.RowsSuppressed, 0, (long)Math.Floor(settings.SuppressionLimit * 30_162 + 1e-9));
    }
}
