using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Portal.Connectors.Rows;

namespace Portal.Connectors.Anonymization;

/// <summary>
/// Numbers the distinct generalized values of one quasi-identifier 0, 1, 2, … in order of first appearance.
/// A column has few distinct values once generalized (years, sexes, postcode prefixes), so this table stays in
/// cache where one table keyed by the whole tuple (one entry per class) would not. Keys are the value's kind
/// and canonical text, hashed with Marvin (<see cref="SpanKeyComparer"/>). Not thread-safe.
/// </summary>
internal sealed class ColumnOrdinals
{
    private readonly Dictionary<string, int> _ordinals = new(SpanKeyComparer.Instance);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly List<Cell> _values = [];
    private char[] _key = new char[64];

    public ColumnOrdinals() => _lookup = _ordinals.GetAlternateLookup<ReadOnlySpan<char>>();

    public int Count => _ordinals.Count;

    /// <summary>When frozen, unknown values are not numbered: <see cref="Find"/> answers -1 for them.</summary>
    public bool Frozen { get; set; }

    /// <summary>The value's ordinal; a new one for an unseen value unless frozen (then -1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int Find(Cell value)
    {
        var key = Key(value);
        if (Frozen)
        {
            return _lookup.TryGetValue(key, out var known) ? known : -1;
        }
        ref var ordinal = ref CollectionsMarshal.GetValueRefOrAddDefault(_lookup, key, out var exists);
        if (!exists)
        {
            ordinal = _ordinals.Count - 1;
            _values.Add(Own(value));
        }
        return ordinal;
    }

    /// <summary>The value numbered <paramref name="ordinal"/> (its text owned by this table).</summary>
    public Cell Value(int ordinal) => _values[ordinal];

    private static Cell Own(Cell value) => value.Kind == CellKind.Text ? Cell.FromText(value.Text.ToString()) : value;

    /// <summary>Maps every value numbered by <paramref name="other"/> to this table's ordinal (numbering it here if new).</summary>
    public int[] Translate(ColumnOrdinals other)
    {
        var map = new int[other.Count];
        foreach (var (key, ordinal) in other._ordinals)
        {
            ref var mine = ref CollectionsMarshal.GetValueRefOrAddDefault(_ordinals, key, out var exists);
            if (!exists)
            {
                mine = _ordinals.Count - 1;
                _values.Add(other._values[ordinal]);
            }
            map[ordinal] = mine;
        }
        return map;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private ReadOnlySpan<char> Key(Cell value)
    {
        if (_key.Length < value.MaxFormattedLength + 1)
        {
            _key = new char[Math.Max(value.MaxFormattedLength + 1, _key.Length * 2)];
        }
        _key[0] = (char)('0' + (int)value.Kind);
        value.TryFormat(_key.AsSpan(1), out var n);
        return _key.AsSpan(0, n + 1);
    }
}
