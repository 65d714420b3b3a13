namespace Portal.Connectors.Anonymization.Hierarchies;

/// <summary>
/// The checks every hierarchy passes before anything uses it, whether read from a file, uploaded or built from a
/// spec. Each refusal is a <see cref="ConnectorException"/> with a stable <c>hierarchy.*</c> code (docs/errors.md)
/// and names the hierarchy, the line and the level; labels are quoted (the owner wrote them), control characters never.
/// </summary>
public static class HierarchyValidator
{
    /// <summary>Largest hierarchy read: 10 MiB of text (bytes for a file or seekable stream, characters otherwise).</summary>
    public const int MaxChars = 10 * 1024 * 1024;

    public const int MaxValues = 100_000;

    /// <summary>Most levels, the original value included: the lattice numbers nodes in 64 bits and no real hierarchy comes near.</summary>
    public const int MaxLevels = 64;

    /// <summary>
    /// The shape ARX and the lattice search rely on: at least two levels, every row as long as the first, each value
    /// once, no empty label, one top value, each level a coarsening of the one below (groups nest), a label that is
    /// also an original value stands for a group holding that value, and no label generalizes back to itself.
    /// </summary>
    /// <param name="lines">Line number of each row in its file, for messages; null for rows made in memory.</param>
    public static void Validate(string name, IReadOnlyList<string[]> rows, IReadOnlyList<int>? lines = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        string At(int row) => lines is null ? $"{name} row {row + 1}" : $"{name} line {lines[row]}";
        if (rows.Count == 0)
        {
            throw new ConnectorException("hierarchy.empty", $"{name}: the hierarchy is empty");
        }
        if (rows.Count > MaxValues)
        {
            throw new ConnectorException("hierarchy.too_many_values", $"{name}: more than {MaxValues} values");
        }
        var height = rows[0].Length;
        if (height > MaxLevels)
        {
            throw new ConnectorException("hierarchy.too_many_levels", $"{At(0)}: {height} levels, more than the limit of {MaxLevels}");
        }
        if (height < 2)
        {
            throw new ConnectorException("hierarchy.too_few_levels", $"{name}: a hierarchy needs the original value and at least one level above it (the top, usually '*')");
        }
        var leaves = new Dictionary<string, int>(rows.Count, StringComparer.Ordinal);
        for (var r = 0; r < rows.Count; r++)
        {
            var row = rows[r];
            if (row.Length != height)
            {
                throw new ConnectorException("hierarchy.ragged", $"{At(r)}: {row.Length} levels where earlier lines have {height}");
            }
            for (var level = 0; level < height; level++)
            {
                if (row[level].Length == 0)
                {
                    throw new ConnectorException("hierarchy.empty_label", $"{At(r)}: empty label at level {level}");
                }
                if (row[level].AsSpan().ContainsAnyInRange('\0', '\u001f') || row[level].Contains('\u007f', StringComparison.Ordinal))
                {
                    throw new ConnectorException("hierarchy.control_character", $"{At(r)}: a control character at level {level}");
                }
            }
            if (!leaves.TryAdd(row[0], r))
            {
                throw new ConnectorException("hierarchy.duplicate_value", $"{At(r)}: the value '{row[0]}' is listed twice (first at {At(leaves[row[0]])})");
            }
        }
        var top = rows[0][height - 1];
        if (rows.FirstOrDefault(row => row[height - 1] != top) is { } other)
        {
            throw new ConnectorException("hierarchy.top_not_single", $"{name}: the last level must be one value for all (usually '*'), but it has '{top}' and '{other[height - 1]}'");
        }
        RequireNesting(name, rows, At);
        RequireLabelsKeepTheirValue(rows, leaves, At);
        RequireNoCycle(name, rows);
    }

    /// <summary>The distinct values a hierarchy does not cover, in first-seen order: what an export of them would refuse.</summary>
    public static IReadOnlyList<string> MissingValues(IHierarchy hierarchy, IEnumerable<string> values)
    {
        ArgumentNullException.ThrowIfNull(hierarchy);
        ArgumentNullException.ThrowIfNull(values);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return [.. values.Where(v => seen.Add(v) && hierarchy.Generalize(v, 0) is null)];
    }

    /// <summary>
    /// ARX requires each level to coarsen the one below: two values in one group at level i share a group at level
    /// i + 1. Otherwise the levels form no lattice and a coarser level could single out what a finer one hid.
    /// </summary>
    private static void RequireNesting(string name, IReadOnlyList<string[]> rows, Func<int, string> at)
    {
        for (var level = 1; level + 1 < rows[0].Length; level++)
        {
            var parent = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var r = 0; r < rows.Count; r++)
            {
                if (!parent.TryAdd(rows[r][level], r) && rows[parent[rows[r][level]]][level + 1] != rows[r][level + 1])
                {
                    var first = rows[parent[rows[r][level]]];
                    throw new ConnectorException("hierarchy.not_monotone",
                        $"{name}: groups do not nest: '{rows[r][level]}' at level {level} becomes '{first[level + 1]}' (value '{first[0]}') " +
                        $"and '{rows[r][level + 1]}' ({at(r)}, value '{rows[r][0]}') at level {level + 1}");
                }
            }
        }
    }

    /// <summary>
    /// A label spelled like an original value must stand for a group that holds that value: 'b;a;*' with 'a;c;*' would
    /// publish 'a' for b while a itself becomes 'c', so a reader could not tell a published value from a generalized one.
    /// </summary>
    private static void RequireLabelsKeepTheirValue(IReadOnlyList<string[]> rows, Dictionary<string, int> leaves, Func<int, string> at)
    {
        for (var r = 0; r < rows.Count; r++)
        {
            for (var level = 1; level < rows[r].Length; level++)
            {
                var label = rows[r][level];
                if (label != rows[r][0] && leaves.TryGetValue(label, out var own) && rows[own][level] != label)
                {
                    throw new ConnectorException("hierarchy.label_conflict",
                        $"{at(r)}: level {level} generalizes '{rows[r][0]}' to '{label}', which is also a value that becomes '{rows[own][level]}' at that level ({at(own)})");
                }
            }
        }
    }

    /// <summary>A label that generalizes, through other labels, back to itself (x → y on one line, y → x on another); a label kept on the next level is fine.</summary>
    private static void RequireNoCycle(string name, IReadOnlyList<string[]> rows)
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
        var state = new Dictionary<string, bool>(StringComparer.Ordinal); // true = on the current path, false = finished
        foreach (var start in edges.Keys)
        {
            if (state.ContainsKey(start))
            {
                continue;
            }
            var path = new Stack<(string Label, IEnumerator<string> Next)>();
            state[start] = true;
            path.Push((start, edges[start].GetEnumerator()));
            while (path.Count > 0)
            {
                var (label, next) = path.Peek();
                if (!next.MoveNext())
                {
                    state[label] = false;
                    path.Pop();
                    continue;
                }
                var target = next.Current;
                if (state.TryGetValue(target, out var onPath))
                {
                    if (onPath)
                    {
                        throw new ConnectorException("hierarchy.cycle", $"{name}: the hierarchy has a cycle: '{target}' generalizes back to itself through '{label}'");
                    }
                    continue;
                }
                state[target] = true;
                path.Push((target, edges.TryGetValue(target, out var more) ? more.GetEnumerator() : Enumerable.Empty<string>().GetEnumerator()));
            }
        }
    }
}
