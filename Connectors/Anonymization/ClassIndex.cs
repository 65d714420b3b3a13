using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Portal.Connectors.Rows;

namespace Portal.Connectors.Anonymization;

/// <summary>How <see cref="ClassIndex"/> stores the class sizes; chosen by <see cref="ClassIndex.Build"/> unless forced (tests).</summary>
internal enum ClassTableKind
{
    Automatic,

    /// <summary>An array indexed by the mixed-radix class number: one cache miss per row, no hashing.</summary>
    Dense,

    /// <summary>A hash table keyed by the class number, when the product of the column cardinalities is too large for an array.</summary>
    Sparse,

    /// <summary>A Marvin-hashed table keyed by the ordinals as text, when the class number would overflow a long.</summary>
    Text,
}

/// <summary>Class sizes, whichever way they are looked up.</summary>
internal interface IClassSizes
{
    /// <summary>Records a streamed row; returns the class size counted before, or -1 if the class was never counted.</summary>
    long Stream(ReadOnlySpan<Cell> tuple);

    /// <summary>Smallest class of at least <paramref name="k"/> rows, number of such classes, and rows/classes below k.</summary>
    (long? Smallest, long Kept, long SuppressedRows, long SuppressedClasses) Summarize(int k);

    /// <summary>Re-identification risk of the classes of at least <paramref name="k"/> rows (the delivered ones).</summary>
    Risk.ReidentificationRisk Risk(int k);

    /// <summary>True when every class streamed exactly as many rows as were counted (the source did not change between passes).</summary>
    bool StreamMatchesCount();
}

/// <summary>
/// Counted class sizes looked up by number. Each quasi-identifier's generalized value becomes a small ordinal
/// (<see cref="ColumnOrdinals"/>); the ordinals combine mixed-radix into one class number, which indexes an array of
/// counts when the product of the column cardinalities is small, else a hash table. Replaces one probe of a table
/// keyed by the whole tuple as text (one entry per class: ~300 k for the demo table, ~3 cache misses per probe) by a
/// few probes of tables that stay in cache and one array access. Memory: the counted classes (the array at most
/// <see cref="DenseLimit"/> entries and <see cref="DenseSlack"/> times the classes), never the rows.
/// </summary>
internal sealed class ClassIndex : IClassSizes
{
    public const long DenseLimit = 4 << 20;
    public const long DenseSlack = 16;

    private readonly ColumnOrdinals[] _columns;
    private readonly long[] _radix;
    private readonly Counts[]? _dense;
    private readonly Dictionary<long, Counts>? _sparse;
    private readonly Dictionary<string, Counts>? _text;
    private readonly Dictionary<string, Counts>.AlternateLookup<ReadOnlySpan<char>> _textLookup;
    private readonly char[] _textKey;
    private readonly int[] _scratch;

    private ClassIndex(ColumnOrdinals[] columns, long[] radix, ClassTableKind kind)
    {
        _columns = columns;
        _radix = radix;
        _scratch = new int[columns.Length];
        _textKey = new char[columns.Length * 2];
        Kind = kind;
        switch (kind)
        {
            case ClassTableKind.Dense:
                _dense = new Counts[columns.Aggregate(1L, (p, c) => p * Math.Max(1, c.Count))];
                break;
            case ClassTableKind.Sparse:
                _sparse = new Dictionary<long, Counts>(RandomizedLongComparer.Instance);
                break;
            default:
                _text = new Dictionary<string, Counts>(SpanKeyComparer.Instance);
                _textLookup = _text.GetAlternateLookup<ReadOnlySpan<char>>();
                break;
        }
    }

    public ClassTableKind Kind { get; }

    /// <summary>
    /// Takes over the counted groups: numbers their values in <paramref name="columns"/> (the stream's tables, which
    /// may already number values of rows streamed before the count was known), freezes those tables and adds up
    /// the counts. From here on a value the count never saw belongs to no counted class.
    /// </summary>
    public static ClassIndex Build(CountedGroups counted, ColumnOrdinals[] columns, ClassTableKind kind = ClassTableKind.Automatic)
    {
        var maps = new int[columns.Length][];
        for (var i = 0; i < columns.Length; i++)
        {
            maps[i] = columns[i].Translate(counted.Columns[i]);
            columns[i].Frozen = true;
        }
        // Mixed radix: the class number is Σ ordinal_i · Π_{j<i} cardinality_j; null when it would overflow.
        var radix = new long[columns.Length];
        long? product = 1;
        for (var i = 0; i < columns.Length; i++)
        {
            radix[i] = product ?? 0;
            var cardinality = Math.Max(1, columns[i].Count);
            product = product is { } p && p <= long.MaxValue / cardinality ? p * cardinality : null;
        }
        if (kind == ClassTableKind.Automatic)
        {
            kind = product switch
            {
                null => ClassTableKind.Text,
                { } p when p <= DenseLimit && p <= Math.Max(65536, DenseSlack * counted.Count) => ClassTableKind.Dense,
                _ => ClassTableKind.Sparse,
            };
        }
        if (product is null && kind != ClassTableKind.Text)
        {
            throw new ArgumentException("the class number of these columns does not fit a long", nameof(kind));
        }
        var index = new ClassIndex(columns, radix, kind);
        var buffer = new int[columns.Length];
        for (var g = 0; g < counted.Count; g++)
        {
            for (var i = 0; i < buffer.Length; i++)
            {
                buffer[i] = maps[i][counted.Ordinal(g, i)];
            }
            index.Entry(buffer, add: true).Counted += counted.Rows(g);
        }
        return index;
    }

    /// <summary>The stream's ordinal of each value of <paramref name="tuple"/> (-1 for a value the count never saw).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public long Stream(ReadOnlySpan<Cell> tuple)
    {
        var ordinals = _scratch;
        for (var i = 0; i < ordinals.Length; i++)
        {
            ordinals[i] = _columns[i].Find(tuple[i]);
        }
        return Stream(ordinals);
    }

    /// <summary>Records a streamed row by its ordinals; the class size counted before, or -1 if the class was never counted.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public long Stream(ReadOnlySpan<int> ordinals)
    {
        foreach (var o in ordinals)
        {
            if (o < 0)
            {
                return -1;
            }
        }
        ref var counts = ref Entry(ordinals, add: false);
        if (Unsafe.IsNullRef(ref counts) || counts.Counted == 0)
        {
            return -1;
        }
        counts.Streamed++;
        return counts.Counted;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private ref Counts Entry(ReadOnlySpan<int> ordinals, bool add)
    {
        if (_dense is not null || _sparse is not null)
        {
            long number = 0;
            for (var i = 0; i < ordinals.Length; i++)
            {
                number += ordinals[i] * _radix[i];
            }
            if (_dense is not null)
            {
                return ref _dense[number];
            }
            return ref add
                ? ref CollectionsMarshal.GetValueRefOrAddDefault(_sparse!, number, out _)
                : ref CollectionsMarshal.GetValueRefOrNullRef(_sparse!, number);
        }
        var key = OrdinalsKey.Write(ordinals, _textKey);
        return ref add
            ? ref CollectionsMarshal.GetValueRefOrAddDefault(_textLookup, key, out _)
            : ref CollectionsMarshal.GetValueRefOrNullRef(_textLookup, key);
    }

    public (long? Smallest, long Kept, long SuppressedRows, long SuppressedClasses) Summarize(int k) => ClassSummary.Of(All().Select(c => c.Counted), k);

    public Risk.ReidentificationRisk Risk(int k) => Anonymization.Risk.ReidentificationRisk.FromClassSizes(All().Select(c => c.Counted).Where(n => n >= k));

    public bool StreamMatchesCount() => All().All(c => c.Counted == c.Streamed);

    private IEnumerable<Counts> All() => (IEnumerable<Counts>?)_dense ?? (IEnumerable<Counts>?)_sparse?.Values ?? _text!.Values;

    private struct Counts
    {
        public long Counted;
        public long Streamed;
    }
}
