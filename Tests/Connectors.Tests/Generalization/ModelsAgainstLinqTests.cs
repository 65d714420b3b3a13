using Portal.Connectors.Anonymization.Generalization;
using Portal.Connectors.Anonymization.Models;

namespace Portal.Connectors.Tests.Generalization;

/// <summary>
/// ℓ-diversity and t-closeness, class by class, against the plain LINQ computation of <see cref="IndependentClasses"/>
/// on one node of Adult's lattice (the classes themselves come from a roll-up of the distinct-combination table).
/// </summary>
[Collection(LatticeSearches.Name)]
public sealed class ModelsAgainstLinqTests
{
    private static readonly int[] Node = [0, 2, 1, 1, 1, 1, 1, 0];

    [Fact]
    public void Rolled_up_classes_are_the_grouped_records()
    {
        var (table, keys) = Classes();
        var expected = IndependentClasses.At(Node);
        Assert.Equal(expected.Count, table.Count);
        for (var cls = 0; cls < table.Count; cls++)
        {
            Assert.Equal(expected[keys[cls]].Count, table.SizeOf(cls));
        }
    }

    [Fact]
    public void Diversity_and_closeness_agree_with_linq_for_every_class()
    {
        var (table, keys) = Classes();
        var expected = IndependentClasses.At(Node);
        var overall = IndependentClasses.OverallDistribution();
        var input = AdultLattice.Input;
        var equal = new TCloseness(0.2, input.SensitiveTotals, order: null);
        var ordered = new TCloseness(0.2, input.SensitiveTotals, TCloseness.OrderOf(input.SensitiveLabels));
        var outcomes = new HashSet<(bool, bool)>();
        for (var cls = 0; cls < table.Count; cls++)
        {
            var values = expected[keys[cls]];
            var size = table.SizeOf(cls);
            var histogram = table.SensitiveOf(cls);
            var distinct = values.Distinct().Count();
            var entropy = IndependentClasses.Entropy(values);
            // Entropy log 3 exactly (three equally frequent values) passes by definition; summing p log p rounds it a hair either way.
            var entropyPasses = entropy >= Math.Log(3) - 1e-9;
            Assert.Equal(distinct >= 3, new DistinctLDiversity(3).Holds(size, histogram));
            Assert.Equal(entropyPasses, new EntropyLDiversity(3).Holds(size, histogram));
            Assert.Equal(entropy, EntropyLDiversity.Entropy(size, histogram), 9);
            Assert.Equal(IndependentClasses.EqualDistance(values, overall), equal.Distance(size, histogram), 9);
            Assert.Equal(IndependentClasses.OrderedDistance(values, overall), ordered.Distance(size, histogram), 9);
            outcomes.Add((distinct >= 3, entropyPasses));
        }
        Assert.True(outcomes.Count >= 2, "the node has classes that pass and classes that fail, so both answers are exercised");
    }

    [Fact]
    public void Ordered_distance_sorts_numbers_as_numbers()
    {
        var order = TCloseness.OrderOf(["10", "9", "100", "-1"]);
        Assert.Equal([3, 1, 0, 2], order);
        var model = new TCloseness(0.5, [1, 1, 1, 1], order);
        // All of a class at the largest value: 3/4 of the mass moves 1, 2 and 3 steps of 1/3: (0.25 + 0.5 + 0.75) / 3.
        Assert.Equal(0.5, model.Distance(2, [0, 0, 2, 0]), 12);
        Assert.True(model.Holds(2, [0, 0, 2, 0]));
        Assert.False(new TCloseness(0.49, [1, 1, 1, 1], order).Holds(2, [0, 0, 2, 0]));
    }

    private static (ClassTable Table, string[] Keys) Classes()
    {
        var input = AdultLattice.Input;
        var lattice = new Lattice([.. input.Hierarchies.Select(h => h.Height)]);
        var table = input.Bottom.RollUp(lattice.NodeOf(Node), Node, input.Hierarchies, new KeyAggregator(), withSensitive: true);
        var keys = new string[table.Count];
        for (var cls = 0; cls < table.Count; cls++)
        {
            var groups = table.GroupsOf(cls).ToArray();
            keys[cls] = string.Join("|", groups.Select((g, q) => input.Hierarchies[q].Labels[Node[q]][g]));
        }
        return (table, keys);
    }
}
