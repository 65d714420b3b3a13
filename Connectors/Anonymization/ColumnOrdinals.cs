using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Portal.Connectors.Rows;

namespace Portal.Connectors.Anonymization;

/// <summary>
/// Numbers the distinct generalized values of one quasi-identifier 0, 1, 2, … in order of first appearance.
/// A column has few distinct values once generalized (years, sexes, postcode prefixes), so this table stays in
/// cache where one table keyed by the whole tuple (one entry per class) would not. Two values get one number
/// exactly when they have the same kind and the same canonical text. Scalars (numbers, dates, timestamps,
/// booleans) and ASCII texts of up to seven characters (<see cref="ShortAsciiKey"/>) are keyed by one long, since
/// their stored form is one-to-one with their text (NaNs made one); other texts by the text, hashed
/// with Marvin (<see cref="SpanKeyComparer"/>).
/// Every table hashes with a per-process seed. Not thread-safe.
/// </summary>
internal sealed class ColumnOrdinals
{
    private readonly Dictionary<long, int>?[] _byKind = new Dictionary<long, int>?[(int)CellKind.Boolean + 1];
    private readonly Dictionary<string, int> _texts = new(SpanKeyComparer.Instance);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _textLookup;
    private readonly List<Cell> _values = [];

    public ColumnOrdinals() => _textLookup = _texts.GetAlternateLookup<ReadOnlySpan<char>>();

    public int Count => _values.Count;

    /// <summary>When frozen, unknown values are not numbered: <see cref="Find"/> answers -1 for them.</summary>
    public bool Frozen { get; set; }

    /// <summary>The value's ordinal; a new one for an unseen value unless frozen (then -1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int Find(Cell value) => Find(value, add: !Frozen);

    /// <summary>The value numbered <paramref name="ordinal"/> (its text owned by this table).</summary>
    public Cell Value(int ordinal) => _values[ordinal];

    /// <summary>Maps every value numbered by <paramref name="other"/> to this table's ordinal (numbering it here if new).</summary>
    public int[] Translate(ColumnOrdinals other)
    {
        var map = new int[other.Count];
        for (var o = 0; o < map.Length; o++)
        {
            map[o] = Find(other._values[o], add: true);
        }
        return map;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int Find(Cell value, bool add)
    {
        long key;
        if (value.Kind == CellKind.Text)
        {
            var text = value.Text.Span;
            if (!ShortAsciiKey.TryPack(text, out key))
            {
                return FindText(value, text, add);
            }
        }
        else
        {
            key = value.Kind == CellKind.Real && double.IsNaN(value.Real) ? BitConverter.DoubleToInt64Bits(double.NaN) : value.Bits;
        }
        var table = _byKind[(int)value.Kind];
        if (!add)
        {
            return table is not null && table.TryGetValue(key, out var known) ? known : -1;
        }
        table ??= _byKind[(int)value.Kind] = new Dictionary<long, int>(RandomizedLongComparer.Instance);
        return Number(ref CollectionsMarshal.GetValueRefOrAddDefault(table, key, out var exists), exists, value);
    }

    private int FindText(Cell value, ReadOnlySpan<char> text, bool add)
    {
        if (!add)
        {
            return _textLookup.TryGetValue(text, out var known) ? known : -1;
        }
        return Number(ref CollectionsMarshal.GetValueRefOrAddDefault(_textLookup, text, out var exists), exists, value);
    }

    /// <summary>The ordinal in a table's slot, giving a new value the next number (its text copied: cells are views of reused buffers).</summary>
    private int Number(ref int ordinal, bool exists, Cell value)
    {
        if (!exists)
        {
            ordinal = _values.Count;
            _values.Add(value.Kind == CellKind.Text ? Cell.FromText(value.Text.ToString()) : value);
        }
        return ordinal;
    }
}
