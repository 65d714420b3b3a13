using Portal.Connectors.Anonymization.Generalization;

namespace Portal.Connectors.Tests.Generalization;

/// <summary>
/// Property: whatever the search chooses, publishing its node delivers only classes that meet every model of the
/// settings, suppresses exactly the classes that fail one, stays within the suppression limit, and has the metric
/// value the textbook formula gives. All checked with LINQ over the records (<see cref="IndependentClasses"/>).
/// </summary>
[Collection(LatticeSearches.Name)]
public sealed class DeliveredClassesTests
{
    public static TheoryData<int, double, int?, double?, double?, bool> Settings() => new()
    {
        { 5, 0.0, null, null, null, false },
        { 10, 0.04, null, null, null, true },
        { 5, 0.0, 3, null, null, false },
        { 5, 0.04, 2, null, null, true },
        { 3, 0.04, null, 2.0, null, false },
        { 2, 0.0, null, null, 0.25, false },
        { 2, 0.04, null, null, 0.2, true },
        { 4, 0.02, 2, 1.8, 0.3, false },
    };

    [Theory]
    [MemberData(nameof(Settings))]
    public void Every_delivered_class_meets_every_model(int k, double suppression, int? distinctL, double? entropyL, double? t, bool loss)
    {
        var settings = new GeneralizationSettings
        {
            K = k,
            SuppressionLimit = suppression,
            DistinctL = distinctL,
            EntropyL = entropyL,
            T = t,
            Metric = loss ? UtilityMetricKind.Loss : UtilityMetricKind.NonUniformEntropy,
        };
        var result = FlashSearch.Run(AdultLattice.Input, settings);
        Assert.True(result.Found);
        var levels = result.Levels.Select(l => l.Value).ToArray();
        var classes = IndependentClasses.At(levels);
        var overall = IndependentClasses.OverallDistribution();

        bool Meets(List<string> values) =>
            values.Count >= k
            && (distinctL is null || values.Distinct().Count() >= distinctL)
            && (entropyL is null || IndependentClasses.Entropy(values) >= Math.Log(entropyL.Value) - 1e-9)
            && (t is null || IndependentClasses.EqualDistance(values, overall) <= t + 1e-9);

        var delivered = classes.Where(c => Meets(c.Value)).ToList();
        var suppressed = classes.Where(c => !Meets(c.Value)).Select(c => c.Key).ToHashSet();
        var suppressedRows = classes.Where(c => suppressed.Contains(c.Key)).Sum(c => c.Value.Count);

        Assert.Equal(suppressedRows, result.RowsSuppressed);
        Assert.Equal(30_162 - suppressedRows, result.RowsKept);
        Assert.Equal(delivered.Count, result.Classes);
        Assert.Equal(suppressed.Count, result.ClassesSuppressed);
        Assert.InRange(suppressedRows, 0, suppression * 30_162);
        Assert.All(delivered, c => Assert.True(Meets(c.Value)));

        var expected = loss ? IndependentClasses.Loss(levels, suppressed) : IndependentClasses.NonUniformEntropy(levels, suppressed);
        Assert.Equal(expected, result.Value, Math.Abs(expected) * 1e-9);
    }

    [Fact]
    public void Impossible_models_find_no_node()
    {
        // Occupation has 14 values: no class can hold 15 distinct ones, at any level, without suppressing everything.
        var result = FlashSearch.Run(AdultLattice.Input, new GeneralizationSettings { K = 2, DistinctL = 15, SuppressionLimit = 0.5 });
        Assert.False(result.Found);
        Assert.Empty(result.Levels);
        Assert.False(ExhaustiveSearch.Run(AdultLattice.Input, new GeneralizationSettings { K = 2, DistinctL = 15, SuppressionLimit = 0.5 }).Found);
    }
}
