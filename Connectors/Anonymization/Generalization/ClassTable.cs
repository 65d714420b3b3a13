namespace Portal.Connectors.Anonymization.Generalization;

/// <summary>
/// The equivalence classes of one lattice node: per class its group ordinal for each quasi-identifier, its size and,
/// when a sensitive column is modelled, its histogram of sensitive values. Flat arrays, one row per class, so a
/// roll-up to a coarser node is a pass over this table and never over the records.
/// </summary>
public sealed class ClassTable
{
    internal ClassTable(int node, int[] levels, int count, int[] groups, int[] sizes, int sensitiveValues, int[] sensitive)
    {
        Node = node;
        Levels = levels;
        Count = count;
        Groups = groups;
        Sizes = sizes;
        SensitiveValues = sensitiveValues;
        Sensitive = sensitive;
    }

    public int Node { get; }

    public IReadOnlyList<int> Levels { get; }

    /// <summary>Number of classes.</summary>
    public int Count { get; }

    /// <summary>[class * quasi-identifiers + q] → group ordinal at the node's level of q.</summary>
    internal int[] Groups { get; }

    /// <summary>[class] → records in the class.</summary>
    internal int[] Sizes { get; }

    /// <summary>Distinct sensitive values (0 when no sensitive column is modelled).</summary>
    public int SensitiveValues { get; }

    /// <summary>[class * SensitiveValues + s] → records of the class with sensitive value s.</summary>
    internal int[] Sensitive { get; }

    public int SizeOf(int cls) => Sizes[cls];

    public ReadOnlySpan<int> GroupsOf(int cls) => Groups.AsSpan(cls * Levels.Count, Levels.Count);

    public ReadOnlySpan<int> SensitiveOf(int cls) => Sensitive.AsSpan(cls * SensitiveValues, SensitiveValues);

    /// <summary>
    /// The classes of a coarser node, from this table: each class's groups are lifted to the target levels and classes
    /// that meet are merged (sizes and histograms added). Cost follows this table's classes, not the records. Two passes:
    /// the first numbers the target classes, so the second fills arrays of exactly the right size.
    /// </summary>
    /// <param name="withSensitive">Whether to carry the sensitive histograms (only models on a sensitive column read them).</param>
    internal ClassTable RollUp(int node, int[] target, IReadOnlyList<HierarchyLevels> hierarchies, KeyAggregator aggregator, bool withSensitive)
    {
        var q = target.Length;
        var maps = new int[q][];
        var strides = new long[q];
        long space = 1;
        for (var i = q - 1; i >= 0; i--)
        {
            maps[i] = hierarchies[i].Between(Levels[i], target[i]);
            strides[i] = space;
            space *= hierarchies[i].GroupCount[target[i]];
        }
        aggregator.Begin(space, Count);
        var classOf = aggregator.ClassOf(Count);
        var source = Groups;
        for (int cls = 0, at = 0; cls < Count; cls++, at += q)
        {
            long key = 0;
            for (var i = 0; i < q; i++)
            {
                key += maps[i][source[at + i]] * strides[i];
            }
            classOf[cls] = aggregator.GetOrAdd(key, out _);
        }
        var count = aggregator.Count;
        var groups = new int[count * q];
        var sizes = new int[count];
        for (int cls = 0, at = 0; cls < Count; cls++, at += q)
        {
            var into = classOf[cls];
            if (sizes[into] == 0)
            {
                var to = into * q;
                for (var i = 0; i < q; i++)
                {
                    groups[to + i] = maps[i][source[at + i]];
                }
            }
            sizes[into] += Sizes[cls];
        }
        var s = withSensitive ? SensitiveValues : 0;
        var sensitive = new int[count * s];
        for (var cls = 0; cls < Count && s > 0; cls++)
        {
            var from = cls * s;
            var to = classOf[cls] * s;
            for (var v = 0; v < s; v++)
            {
                sensitive[to + v] += Sensitive[from + v];
            }
        }
        return new ClassTable(node, target, count, groups, sizes, s, sensitive);
    }
}
