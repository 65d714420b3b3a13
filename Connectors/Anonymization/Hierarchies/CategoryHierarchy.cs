namespace Portal.Connectors.Anonymization.Hierarchies;

/// <summary>
/// Categories in named groups, one map (group → values) per level, finest first, with "*" added on top unless the last
/// level is already one group (so <c>[{ "*": ["F", "M", "X"] }]</c> is value → *):
/// <c>[{ "Viral": ["B20", "B21"], "Carrier": ["Z21"] }, { "HIV": ["B20", "B21", "Z21"] }]</c>. Every level lists every
/// value of the first level exactly once, and groups nest (checked by <see cref="HierarchyValidator"/>). The result is
/// a table: a value no group lists is not covered.
/// </summary>
public static class CategoryHierarchy
{
    public const int MaxLevels = HierarchyValidator.MaxLevels - 2;

    public static IEnumerable<string> Problems(IReadOnlyList<IReadOnlyDictionary<string, IReadOnlyList<string>>>? groups)
    {
        if (groups is not { Count: >= 1 and <= MaxLevels })
        {
            yield return $"groups is required: 1 to {MaxLevels} levels, each a map from group name to its values";
            yield break;
        }
        var values = new HashSet<string>(StringComparer.Ordinal);
        for (var level = 0; level < groups.Count; level++)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (group, members) in groups[level])
            {
                if (string.IsNullOrEmpty(group) || members is not { Count: > 0 })
                {
                    yield return $"groups[{level}]: every group needs a name and at least one value";
                    yield break;
                }
                if (members.FirstOrDefault(m => !seen.Add(m)) is { } twice)
                {
                    yield return $"groups[{level}]: '{twice}' is in more than one group (or twice in '{group}')";
                    yield break;
                }
            }
            if (level == 0)
            {
                values = seen;
            }
            else if (!seen.SetEquals(values))
            {
                var missing = values.Except(seen).Concat(seen.Except(values)).First();
                yield return $"groups[{level}]: lists other values than groups[0] ('{missing}' is in one and not the other)";
                yield break;
            }
        }
        if (values.Count > HierarchyValidator.MaxValues)
        {
            yield return $"groups: more than {HierarchyValidator.MaxValues} values";
        }
    }

    /// <summary>The table: one row per value, its group at each level, then "*" (if needed); refused like a file if groups do not nest.</summary>
    public static GeneralizationHierarchy Build(IReadOnlyList<IReadOnlyDictionary<string, IReadOnlyList<string>>> groups, string name = "category")
    {
        if (Problems(groups).FirstOrDefault() is { } problem)
        {
            throw new ConnectorException("hierarchy.build.invalid", $"category hierarchy: {problem}");
        }
        var groupOf = groups.Select(level => level.SelectMany(g => g.Value.Select(v => (Value: v, Group: g.Key))).ToDictionary(p => p.Value, p => p.Group, StringComparer.Ordinal)).ToList();
        var top = groups[^1].Count == 1 ? 0 : 1;
        var rows = groups[0].SelectMany(g => g.Value).Select(value =>
        {
            var row = new string[groups.Count + 1 + top];
            row[0] = value;
            for (var level = 0; level < groups.Count; level++)
            {
                row[level + 1] = groupOf[level][value];
            }
            if (top == 1)
            {
                row[^1] = "*";
            }
            return row;
        }).ToList();
        return GeneralizationHierarchy.FromRows(name, rows);
    }
}
