namespace Portal.Connectors.Tests.Generalization;

/// <summary>
/// The expectations, written the plain way: LINQ over Adult's records and the hierarchy files' lines, with the
/// textbook formulas. Nothing here calls the code under test.
/// </summary>
internal static class IndependentClasses
{
    /// <summary>Records grouped by their generalized quasi-identifiers at <paramref name="levels"/>: class key → occupations.</summary>
    public static Dictionary<string, List<string>> At(IReadOnlyList<int> levels)
    {
        var lookup = AdultLattice.QuasiIdentifiers.Select((c, q) =>
            AdultLattice.HierarchyLines[c].ToDictionary(line => line[0], line => line[levels[q]])).ToArray();
        return AdultLattice.Records
            .GroupBy(r => string.Join("|", AdultLattice.QuasiIdentifiers.Select((c, q) => lookup[q][r[c]])))
            .ToDictionary(g => g.Key, g => g.Select(r => r[AdultLattice.Sensitive]).ToList());
    }

    public static Dictionary<string, double> OverallDistribution() =>
        AdultLattice.Records.GroupBy(r => r[AdultLattice.Sensitive]).ToDictionary(g => g.Key, g => (double)g.Count() / AdultLattice.Records.Count);

    public static double Entropy(List<string> values) =>
        -values.GroupBy(v => v).Select(g => (double)g.Count() / values.Count).Sum(p => p * Math.Log(p));

    /// <summary>Half the L1 distance between the class's and the overall distribution.</summary>
    public static double EqualDistance(List<string> values, Dictionary<string, double> overall) =>
        overall.Keys.Sum(v => Math.Abs((double)values.Count(x => x == v) / values.Count - overall[v])) / 2;

    /// <summary>Earth mover's distance along the values sorted by ordinal text comparison, divided by m - 1.</summary>
    public static double OrderedDistance(List<string> values, Dictionary<string, double> overall)
    {
        var order = overall.Keys.Order(StringComparer.Ordinal).ToList();
        var differences = order.Select(v => (double)values.Count(x => x == v) / values.Count - overall[v]).ToList();
        var total = 0.0;
        for (var i = 1; i < order.Count; i++)
        {
            total += Math.Abs(differences.Take(i).Sum());
        }
        return total / (order.Count - 1);
    }

    /// <summary>Σ over records and quasi-identifiers of log2(records published with the same label / records with the original value).</summary>
    public static double NonUniformEntropy(IReadOnlyList<int> levels, ISet<string> suppressedClasses)
    {
        var n = AdultLattice.Records.Count;
        var total = 0.0;
        for (var q = 0; q < levels.Count; q++)
        {
            var column = AdultLattice.QuasiIdentifiers[q];
            var toGroup = AdultLattice.HierarchyLines[column].ToDictionary(l => l[0], l => l[levels[q]]);
            var original = AdultLattice.Records.GroupBy(r => r[column]).ToDictionary(g => g.Key, g => g.Count());
            var grouped = AdultLattice.Records.GroupBy(r => toGroup[r[column]]).ToDictionary(g => g.Key, g => g.Count());
            foreach (var record in AdultLattice.Records)
            {
                var published = suppressedClasses.Contains(KeyOf(record, levels)) ? n : grouped[toGroup[record[column]]];
                total += Math.Log2((double)published / original[record[column]]);
            }
        }
        return total;
    }

    public static double Loss(IReadOnlyList<int> levels, ISet<string> suppressedClasses)
    {
        var total = 0.0;
        for (var q = 0; q < levels.Count; q++)
        {
            var lines = AdultLattice.HierarchyLines[AdultLattice.QuasiIdentifiers[q]];
            var toGroup = lines.ToDictionary(l => l[0], l => l[levels[q]]);
            var leaves = lines.GroupBy(l => l[levels[q]]).ToDictionary(g => g.Key, g => g.Count());
            foreach (var record in AdultLattice.Records)
            {
                total += suppressedClasses.Contains(KeyOf(record, levels))
                    ? 1
                    : (leaves[toGroup[record[AdultLattice.QuasiIdentifiers[q]]]] - 1) / (double)(lines.Length - 1);
            }
        }
        return total / (AdultLattice.Records.Count * levels.Count);
    }

    public static string KeyOf(Dictionary<string, string> record, IReadOnlyList<int> levels) =>
        string.Join("|", AdultLattice.QuasiIdentifiers.Select((c, q) => AdultLattice.Generalize(c, record[c], levels[q])));
}
