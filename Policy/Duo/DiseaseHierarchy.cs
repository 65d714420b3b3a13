using System.Collections.Frozen;

namespace Portal.Policy.Duo;

/// <summary>
/// Which disease codes are subtypes of which: a DAG given as (child, parent) edges, closed transitively once
/// at construction so that a lookup is one hash probe. Codes compare case-insensitively.
/// </summary>
public sealed class DiseaseHierarchy
{
    private readonly FrozenDictionary<string, FrozenSet<string>> _ancestors;

    public DiseaseHierarchy(IEnumerable<(string Child, string Parent)> edges)
    {
        ArgumentNullException.ThrowIfNull(edges);
        var parents = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var (child, parent) in edges)
        {
            if (!parents.TryGetValue(child, out var list))
            {
                parents[child] = list = [];
            }
            list.Add(parent);
        }
        Edges = [.. parents.SelectMany(p => p.Value.Select(parent => (p.Key, parent)))];
        _ancestors = parents.Keys.ToFrozenDictionary(
            child => child,
            child => Closure(child, parents).ToFrozenSet(StringComparer.OrdinalIgnoreCase),
            StringComparer.OrdinalIgnoreCase);
        Index = new DiseaseIndex(Edges, code => _ancestors.TryGetValue(code, out var set) ? set : []);
    }

    public static DiseaseHierarchy Empty { get; } = new([]);

    /// <summary>A small ICD-10 based map covering the demo data; see <see cref="BuiltInDiseases"/>.</summary>
    public static DiseaseHierarchy Default { get; } = new(BuiltInDiseases.Edges);

    public IReadOnlyList<(string Child, string Parent)> Edges { get; }

    /// <summary>The same relation over dense ids, for the decision loop.</summary>
    internal DiseaseIndex Index { get; }

    /// <summary>True when <paramref name="code"/> is <paramref name="ancestor"/> itself or one of its descendants.</summary>
    public bool IsSameOrDescendant(string code, string ancestor) =>
        string.Equals(code, ancestor, StringComparison.OrdinalIgnoreCase)
        || (_ancestors.TryGetValue(code, out var set) && set.Contains(ancestor));

    /// <summary>The code and all its ancestors (for callers, like the Cedar comparison, that pass lineage as data).</summary>
    public IReadOnlyCollection<string> LineageOf(string code) =>
        _ancestors.TryGetValue(code, out var set) ? [code, .. set] : [code];

    private static HashSet<string> Closure(string start, Dictionary<string, List<string>> parents)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var pending = new Stack<string>();
        pending.Push(start);
        while (pending.Count > 0)
        {
            if (!parents.TryGetValue(pending.Pop(), out var direct))
            {
                continue;
            }
            foreach (var parent in direct)
            {
                // A cycle in caller-supplied data must not hang the build; seen stops it.
                if (seen.Add(parent))
                {
                    pending.Push(parent);
                }
            }
        }
        seen.Remove(start);
        return seen;
    }
}
