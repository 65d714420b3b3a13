namespace Portal.Connectors.Anonymization.Generalization;

/// <summary>
/// One quasi-identifier's hierarchy as ordinals, for the lattice search: every original value (leaf) and every group
/// of every level is a small integer, so a class is a row of ints and a coarser level is one array lookup away.
/// Built only from a hierarchy whose groups nest (every <see cref="GeneralizationHierarchy"/> does), because the search
/// relies on it: two values together at one level must stay together at every higher level.
/// </summary>
public sealed class HierarchyLevels
{
    private readonly Dictionary<string, int> _leafOrdinals;
    private readonly int[][][] _between;

    private HierarchyLevels(string column, Dictionary<string, int> leafOrdinals, int[][] groupOfLeaf, string[][] labels)
    {
        Column = column;
        _leafOrdinals = leafOrdinals;
        Height = groupOfLeaf.Length;
        Labels = labels;
        GroupCount = [.. labels.Select(l => l.Length)];
        LeavesInGroup = new int[Height][];
        _between = new int[Height][][];
        for (var level = 0; level < Height; level++)
        {
            LeavesInGroup[level] = new int[GroupCount[level]];
            foreach (var group in groupOfLeaf[level])
            {
                LeavesInGroup[level][group]++;
            }
        }
        for (var from = 0; from < Height; from++)
        {
            _between[from] = new int[Height][];
            for (var to = from; to < Height; to++)
            {
                var map = new int[GroupCount[from]];
                for (var leaf = 0; leaf < groupOfLeaf[0].Length; leaf++)
                {
                    map[groupOfLeaf[from][leaf]] = groupOfLeaf[to][leaf];
                }
                _between[from][to] = map;
            }
        }
    }

    public string Column { get; }

    /// <summary>Number of levels, the original values (level 0) included.</summary>
    public int Height { get; }

    /// <summary>Distinct groups per level; level 0 = the hierarchy's values.</summary>
    public IReadOnlyList<int> GroupCount { get; }

    /// <summary>[level][group] → the group's label as written in the file.</summary>
    public IReadOnlyList<string[]> Labels { get; }

    /// <summary>[level][group] → how many original values the group covers (the Loss metric's measure of a group).</summary>
    internal int[][] LeavesInGroup { get; }

    public int LeafCount => GroupCount[0];

    /// <summary>The leaf ordinal of an original value, or -1 if the hierarchy does not list it.</summary>
    public int LeafOf(string value) => _leafOrdinals.TryGetValue(value, out var leaf) ? leaf : -1;

    /// <summary>Group at level <paramref name="to"/> of each group at level <paramref name="from"/> (from ≤ to).</summary>
    internal int[] Between(int from, int to) => _between[from][to];

    /// <summary>
    /// Numbers the values and groups of a hierarchy. Its shape (nesting groups, no cycle, one height) was checked when
    /// it was made (<see cref="Hierarchies.HierarchyValidator"/>): the roll-ups here rely on it.
    /// </summary>
    public static HierarchyLevels Build(string column, GeneralizationHierarchy hierarchy)
    {
        ArgumentNullException.ThrowIfNull(hierarchy);
        var rows = hierarchy.Rows.ToList();
        var height = rows[0].Length;
        var leafOrdinals = new Dictionary<string, int>(StringComparer.Ordinal);
        var groupOfLeaf = new int[height][];
        var labels = new string[height][];
        var groupIds = new Dictionary<string, int>[height];
        for (var level = 0; level < height; level++)
        {
            groupOfLeaf[level] = new int[rows.Count];
            groupIds[level] = new Dictionary<string, int>(StringComparer.Ordinal);
        }
        for (var leaf = 0; leaf < rows.Count; leaf++)
        {
            var row = rows[leaf];
            leafOrdinals[row[0]] = leaf;
            for (var level = 0; level < height; level++)
            {
                var ids = groupIds[level];
                if (!ids.TryGetValue(row[level], out var group))
                {
                    group = ids.Count;
                    ids.Add(row[level], group);
                }
                groupOfLeaf[level][leaf] = group;
            }
        }
        for (var level = 0; level < height; level++)
        {
            labels[level] = new string[groupIds[level].Count];
            foreach (var (label, group) in groupIds[level])
            {
                labels[level][group] = label;
            }
        }
        return new HierarchyLevels(column, leafOrdinals, groupOfLeaf, labels);
    }
}
