using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Portal.Connectors.Rows;

namespace Portal.Connectors.Anonymization;

/// <summary>
/// Class sizes keyed by the generalized quasi-identifier tuple as text, for files (counted by a first pass, or
/// not counted at all when k = 1: then the streamed rows make the classes). Memory grows with the number of
/// distinct classes, never with rows; lookups build the key in a reused buffer and allocate nothing.
/// PostgreSQL sources use the faster <see cref="ClassIndex"/>.
/// </summary>
internal sealed class EquivalenceClasses : IClassSizes
{
    // Marvin (randomized per process) rather than StringComparer.Ordinal's non-randomized hash until collisions pile
    // up: keys are built from data values, which must not be able to steer the table's probes.
    private readonly Dictionary<string, Counts> _classes = new(SpanKeyComparer.Instance);
    private readonly Dictionary<string, Counts>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly bool _countedBefore;
    private char[] _key = new char[256];

    /// <param name="countedBefore">Whether <see cref="AddCounted"/> fills the classes before the stream, or the stream makes them.</param>
    public EquivalenceClasses(bool countedBefore = true)
    {
        _countedBefore = countedBefore;
        _lookup = _classes.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public int Count => _classes.Count;

    /// <summary>Adds rows counted before streaming (database GROUP BY or a first pass over a file).</summary>
    public void AddCounted(ReadOnlySpan<Cell> tuple, long rows) =>
        CollectionsMarshal.GetValueRefOrAddDefault(_lookup, Key(tuple), out _).Counted += rows;

    public long Stream(ReadOnlySpan<Cell> tuple) => Stream(tuple, _countedBefore);

    /// <summary>Records a streamed row; returns the class size counted before, or -1 if the class was never counted.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public long Stream(ReadOnlySpan<Cell> tuple, bool countedBefore)
    {
        ref var counts = ref countedBefore
            ? ref CollectionsMarshal.GetValueRefOrNullRef(_lookup, Key(tuple))
            : ref CollectionsMarshal.GetValueRefOrAddDefault(_lookup, Key(tuple), out _);
        if (Unsafe.IsNullRef(ref counts))
        {
            return -1;
        }
        counts.Streamed++;
        return counts.Counted;
    }

    public (long? Smallest, long Kept, long SuppressedRows, long SuppressedClasses) Summarize(int k) => Summarize(k, useStreamed: !_countedBefore);

    /// <summary>Smallest class of at least <paramref name="k"/> rows, number of such classes, and rows/classes below k.</summary>
    public (long? Smallest, long Kept, long SuppressedRows, long SuppressedClasses) Summarize(int k, bool useStreamed) =>
        ClassSummary.Of(_classes.Values.Select(c => useStreamed ? c.Streamed : c.Counted), k);

    public Risk.ReidentificationRisk Risk(int k) =>
        Anonymization.Risk.ReidentificationRisk.FromClassSizes(_classes.Values.Select(c => _countedBefore ? c.Counted : c.Streamed).Where(n => n >= k));

    /// <summary>True when every class streamed exactly as many rows as were counted (the source did not change between passes).</summary>
    public bool StreamMatchesCount() => _classes.Values.All(c => c.Counted == c.Streamed);

    // Length-prefixed values: no separator character can make two different tuples collide. The prefix is
    // three chars (kind, length low and high 16 bits) so that keys stay short: the table is probed once per row.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private ReadOnlySpan<char> Key(ReadOnlySpan<Cell> tuple)
    {
        var length = 0;
        foreach (var cell in tuple)
        {
            var need = length + cell.MaxFormattedLength + 3;
            if (_key.Length < need)
            {
                Array.Resize(ref _key, Math.Max(need, _key.Length * 2));
            }
            cell.TryFormat(_key.AsSpan(length + 3), out var n);
            _key[length] = (char)('0' + (int)cell.Kind);
            _key[length + 1] = (char)(n & 0xFFFF);
            _key[length + 2] = (char)(n >> 16);
            length += 3 + n;
        }
        return _key.AsSpan(0, length);
    }

    private struct Counts
    {
        public long Counted;
        public long Streamed;
    }
}
