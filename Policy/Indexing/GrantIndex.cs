using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Portal.Policy.Model;

namespace Portal.Policy.Indexing;

/// <summary>
/// One dataset's grants in an open-addressing table keyed by principal (the person for personal grants, the VO for
/// the others), with linear probing; a principal's several grants take several slots. The hot slots
/// (<see cref="GrantRow"/>, 16 bytes with the key inside) answer a lookup, found or not, from one cache line in the
/// common case; the cold <see cref="GrantSource"/>s at the same slot numbers are read for a grant that passes, for the
/// exact time of a bound in the request's minute, and for disease purposes. The former layout, a run table pointing
/// into sorted 48-byte rows, cost two dependent misses per lookup and 7.8 MB at 100,000 grants; this one costs one
/// and 2.4 MB. A struct, stored inside its <see cref="DatasetNode"/>; an update rebuilds only this dataset's table.
/// </summary>
internal readonly struct GrantIndex
{
    public static readonly GrantIndex Empty = new([], [], 0);

    private readonly GrantRow[] _rows;
    private readonly GrantSource[] _sources;

    // Kept here (inside the node) rather than read from the array's length, which lives on another cache line.
    private readonly uint _capacity;

    private GrantIndex(GrantRow[] rows, GrantSource[] sources, int count)
    {
        _rows = rows;
        _sources = sources;
        _capacity = (uint)rows.Length;
        Count = count;
    }

    public int Count { get; }

    public static GrantIndex Of(ReadOnlySpan<(GrantRow Row, GrantSource Source)> grants)
    {
        if (grants.Length == 0)
        {
            return Empty;
        }
        // Two thirds full at most: a probe that finds nothing (most of them: a user has no grant on most datasets)
        // reads about five slots, 80 bytes. The capacity is not a power of two (the home slot comes from a multiply, not
        // a mask), so the table stays at 1.5 slots a grant. There is always an empty slot, where every probe ends.
        var capacity = Math.Max(4, grants.Length + (grants.Length / 2) + 1);
        var rows = new GrantRow[capacity];
        var sources = new GrantSource[capacity];
        foreach (var (row, source) in grants)
        {
            var slot = Home(row.PrincipalPlusOne - 1, (uint)capacity);
            while (rows[slot].PrincipalPlusOne != 0)
            {
                slot = slot + 1 == capacity ? 0 : slot + 1;
            }
            rows[slot] = row;
            sources[slot] = source;
        }
        return new GrantIndex(rows, sources, grants.Length);
    }

    /// <summary>The grants indexed under this principal; <see cref="GuidInterner.NotFound"/> has none.</summary>
    public Cursor For(int principal) => new(_rows, _capacity, principal);

    // Slots come from a cursor over this index, so they are in range: no bounds check, whose load of the array's
    // length would be a cache miss of its own.
    public ref readonly GrantRow RowAt(int slot) => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_rows), slot);

    public ref readonly GrantSource SourceAt(int slot) => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_sources), slot);

    /// <summary>This index with the grant added, or put in place of the grant of the same id (one rebuild, not two).</summary>
    public GrantIndex With(GrantRow row, GrantSource source)
    {
        var live = Live(except: source.Fact);
        live.Add((row, source));
        return Of(CollectionsMarshal.AsSpan(live));
    }

    public GrantIndex Without(GrantFact grant)
    {
        var live = Live(except: grant);
        return live.Count == Count ? this : Of(CollectionsMarshal.AsSpan(live));
    }

    // By record first: an upsert replaces the record the index holds, so the Guid comparison is rarely needed.
    private List<(GrantRow, GrantSource)> Live(GrantFact except)
    {
        var live = new List<(GrantRow, GrantSource)>(Count + 1);
        for (var slot = 0; slot < _rows.Length; slot++)
        {
            var fact = _sources[slot].Fact;
            if (_rows[slot].PrincipalPlusOne != 0 && !ReferenceEquals(fact, except) && fact.Id != except.Id)
            {
                live.Add((_rows[slot], _sources[slot]));
            }
        }
        return live;
    }

    // Multiply-shift maps the hash onto [0, capacity) for any capacity.
    private static int Home(int principal, uint capacity) => (int)(((ulong)((uint)principal * 0x9E3779B9u) * capacity) >> 32);

    /// <summary>
    /// Walks the principal's slots: from its home slot to the first empty one, stopping at those with its key. The
    /// home slot is read when the cursor is made, so that the lookups for the user and their VOs, made one after the
    /// other, have their cache misses in flight together.
    /// </summary>
    public ref struct Cursor
    {
        private readonly ref GrantRow _rows;
        private readonly int _key;
        private readonly int _capacity;
        private int _next;
        private int _nextKey;

        public Cursor(GrantRow[] rows, uint capacity, int principal)
        {
            _key = principal + 1;
            _capacity = (int)capacity;
            if (principal == GuidInterner.NotFound || capacity == 0)
            {
                _rows = ref Unsafe.NullRef<GrantRow>();
                return;
            }
            // The slot is below the capacity (the array's length) by construction: no bounds check.
            _rows = ref MemoryMarshal.GetArrayDataReference(rows);
            _next = Home(principal, capacity);
            _nextKey = Unsafe.Add(ref _rows, _next).PrincipalPlusOne;
        }

        /// <summary>The slot of the current grant: read its row and source through the index.</summary>
        public int Slot { get; private set; }

        public bool MoveNext()
        {
            while (_nextKey != 0)
            {
                var slot = _next;
                var key = _nextKey;
                _next = slot + 1 == _capacity ? 0 : slot + 1;
                _nextKey = Unsafe.Add(ref _rows, _next).PrincipalPlusOne;
                if (key == _key)
                {
                    Slot = slot;
                    return true;
                }
            }
            return false;
        }
    }
}
