using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Portal.Connectors.Rows;

namespace Portal.Connectors.Anonymization;

/// <summary>
/// Numbers the distinct generalized values of one quasi-identifier 0, 1, 2, … in order of first appearance.
/// A column has few distinct values once generalized (years, sexes, postcode prefixes), so this table stays in
/// cache where one table keyed by the whole tuple (one entry per class) would not. Two values get one number
/// exactly when they have the same kind and the same canonical text. Scalars (numbers, dates, timestamps,
/// booleans) and ASCII texts of up to seven characters (<see cref="ShortAsciiKey"/>) are keyed by one long in a
/// <see cref="LongOrdinalTable"/>, since their stored form is one-to-one with their text (NaNs made one); other
/// texts by the text, hashed with Marvin (<see cref="SpanKeyComparer"/>). Both hash with random seeds, so data
/// cannot choose colliding values. Not thread-safe.
/// </summary>
internal sealed class ColumnOrdinals
{
    private readonly LongOrdinalTable?[] _byKind = new LongOrdinalTable?[(int)CellKind.Boolean + 1];
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
            return table is null ? -1 : table.Find(key);
        }
        table ??= _byKind[(int)value.Kind] = new LongOrdinalTable();
        var ordinal = table.GetOrAdd(key, _values.Count, out var added);
        if (added)
        {
            Keep(value);
        }
        return ordinal;
    }

    private int FindText(Cell value, ReadOnlySpan<char> text, bool add)
    {
        if (!add)
        {
            return _textLookup.TryGetValue(text, out var known) ? known : -1;
        }
        return Number(ref CollectionsMarshal.GetValueRefOrAddDefault(_textLookup, text, out var exists), exists, value);
    }

    /// <summary>The ordinal in the text table's slot, giving a new value the next number.</summary>
    private int Number(ref int ordinal, bool exists, Cell value)
    {
        if (!exists)
        {
            ordinal = _values.Count;
            Keep(value);
        }
        return ordinal;
    }

    /// <summary>Numbers a new value; its text is copied (cells are views of reused buffers).</summary>
    private void Keep(Cell value) => _values.Add(value.Kind == CellKind.Text ? Cell.FromText(value.Text.ToString()) : value);
}
