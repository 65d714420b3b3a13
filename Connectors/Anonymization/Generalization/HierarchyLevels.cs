namespace Portal.Connectors.Anonymization.Generalization;

/// <summary>
/// One quasi-identifier's hierarchy as ordinals, for the lattice search: every original value (leaf) and every group
/// of every level is a small integer, so a class is a row of ints and a coarser level is one array lookup away.
/// Built only from a hierarchy whose groups nest (checked here), because the search relies on it: two values
/// together at one level must stay together at every higher level.
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

    /// <summary>Checks the hierarchy's shape (nesting groups, no cycles, one height) and numbers its values and groups.</summary>
    public static HierarchyLevels Build(string column, GeneralizationHierarchy hierarchy)
    {
        ArgumentNullException.ThrowIfNull(hierarchy);
        var rows = hierarchy.Rows.ToList();
        if (rows.Count == 0)
        {
            throw new GeneralizationException("generalization.hierarchy.empty", $"column {column}: the hierarchy is empty");
        }
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
            if (row.Length != height)
            {
                throw new GeneralizationException("generalization.hierarchy.ragged", $"column {column}: value '{row[0]}' has {row.Length} levels where the others have {height}");
            }
            leafOrdinals[row[0]] = leaf;
            for (var level = 0; level < height; level++)
            {
                if (row[level].Length == 0)
                {
                    throw new GeneralizationException("generalization.hierarchy.empty_label", $"column {column}: value '{row[0]}' has an empty label at level {level}");
                }
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
        RequireNesting(column, rows, groupOfLeaf, labels);
        RequireNoCycle(column, rows);
        return new HierarchyLevels(column, leafOrdinals, groupOfLeaf, labels);
    }

    /// <summary>A group at level l must sit in exactly one group at level l + 1; otherwise the levels do not form a lattice.</summary>
    private static void RequireNesting(string column, List<string[]> rows, int[][] groupOfLeaf, string[][] labels)
    {
        for (var level = 0; level + 1 < groupOfLeaf.Length; level++)
        {
            var parent = new int[labels[level].Length];
            var firstLeaf = new int[labels[level].Length];
            Array.Fill(parent, -1);
            for (var leaf = 0; leaf < rows.Count; leaf++)
            {
                var group = groupOfLeaf[level][leaf];
                var above = groupOfLeaf[level + 1][leaf];
                if (parent[group] < 0)
                {
                    parent[group] = above;
                    firstLeaf[group] = leaf;
                }
                else if (parent[group] != above)
                {
                    throw new GeneralizationException("generalization.hierarchy.not_nested",
                        $"column {column}: groups do not nest: '{labels[level][group]}' at level {level} becomes " +
                        $"'{labels[level + 1][parent[group]]}' (value '{rows[firstLeaf[group]][0]}') and " +
                        $"'{labels[level + 1][above]}' (value '{rows[leaf][0]}') at level {level + 1}");
                }
            }
        }
    }

    /// <summary>
    /// A label that generalizes, through other labels, back to itself (a → b on one line, b → a on another) makes the
    /// hierarchy meaningless even when each level nests; a label repeated on the next level (a group kept as it is) is fine.
    /// </summary>
    private static void RequireNoCycle(string column, List<string[]> rows)
    {
        var edges = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            for (var level = 0; level + 1 < row.Length; level++)
            {
                if (row[level] != row[level + 1])
                {
                    (edges.TryGetValue(row[level], out var set) ? set : edges[row[level]] = new(StringComparer.Ordinal)).Add(row[level + 1]);
                }
            }
        }
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 = on the current path, 2 = finished
        foreach (var start in edges.Keys)
        {
            var path = new Stack<(string Label, IEnumerator<string> Next)>();
            if (state.ContainsKey(start))
            {
                continue;
            }
            state[start] = 1;
            path.Push((start, edges[start].GetEnumerator()));
            while (path.Count > 0)
            {
                var (label, next) = path.Peek();
                if (!next.MoveNext())
                {
                    state[label] = 2;
                    path.Pop();
                    continue;
                }
                var target = next.Current;
                if (state.TryGetValue(target, out var seen))
                {
                    if (seen == 1)
                    {
                        throw new GeneralizationException("generalization.hierarchy.cycle", $"column {column}: the hierarchy has a cycle: '{target}' generalizes back to itself through '{label}'");
                    }
                    continue;
                }
                state[target] = 1;
                path.Push((target, edges.TryGetValue(target, out var more) ? more.GetEnumerator() : Enumerable.Empty<string>().GetEnumerator()));
            }
        }
    }
}
