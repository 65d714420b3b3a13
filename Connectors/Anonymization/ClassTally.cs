using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Portal.Connectors.Anonymization;

/// <summary>
/// Counts rows per class in a first pass, the class given by its quasi-identifiers' ordinals (<see cref="ColumnOrdinals"/>).
/// The ordinals are packed into one array index, each column in as many bits as its largest ordinal so far needs; a
/// column outgrowing its bits re-lays the array out (a few times per column at most). One array access per row, where a
/// hash table keyed by the class would cost a probe of a table as large as the classes; past <see cref="MaxDenseBits"/>
/// bits (or a class beyond int range) the counts move to a hash table. Memory grows with the classes, never with rows.
/// </summary>
internal sealed class ClassTally
{
    /// <summary>Largest dense table: 2^21 counts, 8 MB.</summary>
    public const int MaxDenseBits = 21;

    private readonly int[] _bits;
    private readonly int[] _shift;
    private int[] _dense;
    private Dictionary<string, long>? _sparse;
    private Dictionary<string, long>.AlternateLookup<ReadOnlySpan<char>> _sparseLookup;
    private readonly char[] _key;

    public ClassTally(int columns)
    {
        _bits = new int[columns];
        _shift = new int[columns];
        _key = new char[2 * columns];
        Layout();
        _dense = new int[1];
    }

    /// <summary>Whether the counts are in the hash table (tests).</summary>
    public bool IsSparse => _sparse is not null;

    /// <summary>Counts one row of the class <paramref name="ordinals"/> (one non-negative ordinal per column).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(ReadOnlySpan<int> ordinals)
    {
        if (_sparse is null)
        {
            var index = 0;
            var fits = true;
            for (var i = 0; i < ordinals.Length; i++)
            {
                var o = ordinals[i];
                fits &= o >> _bits[i] == 0;
                index |= o << _shift[i];
            }
            if (fits)
            {
                ref var count = ref _dense[index];
                if (count < int.MaxValue)
                {
                    count++;
                    return;
                }
            }
            Grow(ordinals);
            if (_sparse is null)
            {
                Add(ordinals);
                return;
            }
        }
        CollectionsMarshal.GetValueRefOrAddDefault(_sparseLookup, OrdinalsKey.Write(ordinals, _key), out _)++;
    }

    /// <summary>Hands every counted class to <paramref name="groups"/> (whose columns numbered the ordinals).</summary>
    public void CopyTo(CountedGroups groups)
    {
        if (_sparse is not null)
        {
            var unpacked = new int[_bits.Length];
            foreach (var (key, rows) in _sparse)
            {
                OrdinalsKey.Read(key, unpacked);
                groups.AddNumbered(unpacked, rows);
            }
            return;
        }
        var ordinals = new int[_bits.Length];
        for (var index = 0; index < _dense.Length; index++)
        {
            if (_dense[index] > 0)
            {
                Unpack(index, _bits, _shift, ordinals);
                groups.AddNumbered(ordinals, _dense[index]);
            }
        }
    }

    /// <summary>Widens the columns <paramref name="ordinals"/> does not fit, or moves to the hash table.</summary>
    private void Grow(ReadOnlySpan<int> ordinals)
    {
        var oldBits = (int[])_bits.Clone();
        var oldShift = (int[])_shift.Clone();
        var noColumnGrew = true;
        for (var i = 0; i < ordinals.Length; i++)
        {
            while (ordinals[i] >> _bits[i] != 0)
            {
                _bits[i]++;
                noColumnGrew = false;
            }
        }
        var unpacked = new int[_bits.Length];
        if (noColumnGrew || _bits.Sum() > MaxDenseBits)
        {
            // A class at int.MaxValue rows, or too many bits for an array.
            _sparse = new Dictionary<string, long>(SpanKeyComparer.Instance);
            _sparseLookup = _sparse.GetAlternateLookup<ReadOnlySpan<char>>();
            for (var index = 0; index < _dense.Length; index++)
            {
                if (_dense[index] > 0)
                {
                    Unpack(index, oldBits, oldShift, unpacked);
                    CollectionsMarshal.GetValueRefOrAddDefault(_sparseLookup, OrdinalsKey.Write(unpacked, _key), out _) = _dense[index];
                }
            }
            _dense = [];
            return;
        }
        Layout();
        var dense = new int[1 << _bits.Sum()];
        for (var index = 0; index < _dense.Length; index++)
        {
            if (_dense[index] > 0)
            {
                Unpack(index, oldBits, oldShift, unpacked);
                var moved = 0;
                for (var i = 0; i < unpacked.Length; i++)
                {
                    moved |= unpacked[i] << _shift[i];
                }
                dense[moved] = _dense[index];
            }
        }
        _dense = dense;
    }

    private void Layout()
    {
        var shift = 0;
        for (var i = 0; i < _bits.Length; i++)
        {
            _shift[i] = shift;
            shift += _bits[i];
        }
    }

    private static void Unpack(int index, int[] bits, int[] shift, int[] ordinals)
    {
        for (var i = 0; i < ordinals.Length; i++)
        {
            ordinals[i] = (index >> shift[i]) & ((1 << bits[i]) - 1);
        }
    }
}
