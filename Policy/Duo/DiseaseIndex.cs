using System.Collections.Frozen;

namespace Portal.Policy.Duo;

/// <summary>
/// The hierarchy's codes as dense ints, so that the decision loop compares ints instead of hashing strings:
/// one case-insensitive lookup per request turns the declared disease into an id, and "is X the same as or a
/// descendant of Y" becomes a scan of X's few ancestor ids.
/// </summary>
internal sealed class DiseaseIndex
{
    /// <summary>The id of a code that is not in the hierarchy: it has no ancestors and is nobody's ancestor.</summary>
    public const int Unlisted = -1;

    private readonly FrozenDictionary<string, int> _ids;
    private readonly int[][] _ancestorsOrSelf;

    public DiseaseIndex(IEnumerable<(string Child, string Parent)> edges, Func<string, IEnumerable<string>> ancestorsOf)
    {
        var ids = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var (child, parent) in edges)
        {
            ids.TryAdd(child, ids.Count);
            ids.TryAdd(parent, ids.Count);
        }
        _ids = ids.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        _ancestorsOrSelf = new int[ids.Count][];
        foreach (var (code, id) in ids)
        {
            _ancestorsOrSelf[id] = [id, .. ancestorsOf(code).Select(a => ids[a])];
        }
    }

    public int IdOf(string? code) => code is not null && _ids.TryGetValue(code, out var id) ? id : Unlisted;

    /// <summary>
    /// Same answer as <see cref="DiseaseHierarchy.IsSameOrDescendant"/> on the strings: a listed code matches its
    /// own id and its ancestors' ids; an unlisted one only an equal (and therefore also unlisted) string.
    /// </summary>
    public bool IsSameOrDescendant(int codeId, string code, int ancestorId, string ancestor)
    {
        if (codeId == Unlisted)
        {
            return ancestorId == Unlisted && string.Equals(code, ancestor, StringComparison.OrdinalIgnoreCase);
        }
        foreach (var id in _ancestorsOrSelf[codeId])
        {
            if (id == ancestorId)
            {
                return true;
            }
        }
        return false;
    }
}
