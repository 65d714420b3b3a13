using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Portal.Policy.Model;

namespace Portal.Policy.Indexing;

/// <summary>
/// One dataset's grants, sorted by principal, with a small open-addressing table from principal id to its run
/// of rows. A request probes it once for the user and once per VO membership; an update rebuilds only this
/// dataset's index (copy-on-write), never the whole snapshot. A struct, stored inside its <see cref="DatasetNode"/>,
/// to save the decision one pointer hop.
/// </summary>
internal readonly struct GrantIndex
{
    public static readonly GrantIndex Empty = new([]);

    private readonly GrantRow[] _rows;
    private readonly Run[] _runs;
    private readonly int _shift;

    // Kept here (inside the node) rather than read from the array's length, which lives on another cache line.
    private readonly int _mask;

    private GrantIndex(GrantRow[] rows)
    {
        Array.Sort(rows, static (a, b) => a.Principal.CompareTo(b.Principal));
        _rows = rows;
        var principals = 0;
        for (var i = 0; i < rows.Length; i++)
        {
            principals += i == 0 || rows[i].Principal != rows[i - 1].Principal ? 1 : 0;
        }
        // At most half full keeps probes short; at least 2 slots keeps the shift below 32.
        var capacity = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(2, principals * 2));
        _runs = new Run[capacity];
        _shift = 32 - BitOperations.Log2((uint)capacity);
        _mask = capacity - 1;
        for (var start = 0; start < rows.Length;)
        {
            var end = start + 1;
            while (end < rows.Length && rows[end].Principal == rows[start].Principal)
            {
                end++;
            }
            var slot = Slot(rows[start].Principal, _shift);
            while (_runs[slot].PrincipalPlusOne != 0)
            {
                slot = (slot + 1) & (capacity - 1);
            }
            _runs[slot] = new Run(rows[start].Principal + 1, start, end);
            start = end;
        }
    }

    public ReadOnlySpan<GrantRow> Rows => _rows;

    public int Count => _rows.Length;

    /// <summary>The grants indexed under this principal (the user for personal grants, the VO for the others).</summary>
    public ReadOnlySpan<GrantRow> For(int principal)
    {
        var mask = _mask;
        ref var first = ref MemoryMarshal.GetArrayDataReference(_runs);
        for (var i = Slot(principal, _shift); ; i = (i + 1) & mask)
        {
            // At most half full: the probe ends at an empty slot; i stays within the mask.
            ref var run = ref Unsafe.Add(ref first, i);
            if (run.PrincipalPlusOne == principal + 1)
            {
                return RowsOf(run);
            }
            if (run.PrincipalPlusOne == 0)
            {
                return default;
            }
        }
    }

    /// <summary>
    /// Three lookups at once (the user and their first two VOs, the common case): the three home slots are read
    /// before any is compared, so that their cache misses overlap. Pass <see cref="GuidInterner.NotFound"/> for
    /// a principal that is not there.
    /// </summary>
    public void For(int a, int b, int c, out ReadOnlySpan<GrantRow> ofA, out ReadOnlySpan<GrantRow> ofB, out ReadOnlySpan<GrantRow> ofC)
    {
        ref var first = ref MemoryMarshal.GetArrayDataReference(_runs);
        var homeA = Unsafe.Add(ref first, Slot(a, _shift));
        var homeB = Unsafe.Add(ref first, Slot(b, _shift));
        var homeC = Unsafe.Add(ref first, Slot(c, _shift));
        ofA = Resolve(homeA, a);
        ofB = Resolve(homeB, b);
        ofC = Resolve(homeC, c);
    }

    /// <summary>This index with the row added, or put in place of the row of the same grant (one rebuild, not two).</summary>
    public GrantIndex With(GrantRow row)
    {
        var index = IndexOf(row.Grant);
        GrantRow[] rows = index < 0 ? [.. _rows, row] : [.. _rows];
        if (index >= 0)
        {
            rows[index] = row;
        }
        return new GrantIndex(rows);
    }

    public GrantIndex Without(GrantFact grant)
    {
        var index = IndexOf(grant);
        return index < 0 ? this : Of([.. _rows.AsSpan(0, index), .. _rows.AsSpan(index + 1)]);
    }

    // By record first: an upsert replaces the record the index holds, so the Guid comparison is rarely needed.
    private int IndexOf(GrantFact grant)
    {
        for (var i = 0; i < _rows.Length; i++)
        {
            if (ReferenceEquals(_rows[i].Grant, grant) || _rows[i].Grant.Id == grant.Id)
            {
                return i;
            }
        }
        return -1;
    }

    // The home slot answers most lookups; a collision falls back to the full probe.
    private ReadOnlySpan<GrantRow> Resolve(Run home, int principal) =>
        principal == GuidInterner.NotFound || home.PrincipalPlusOne == 0 ? default
        : home.PrincipalPlusOne == principal + 1 ? RowsOf(home)
        : For(principal);

    // Runs are built from _rows, so they are in range: no bounds check, whose load of the array's length would be
    // a cache miss of its own (the length sits on another line than the run's rows).
    private ReadOnlySpan<GrantRow> RowsOf(Run run) =>
        MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_rows), run.Start), run.End - run.Start);

    public static GrantIndex Of(GrantRow[] rows) => rows.Length == 0 ? Empty : new GrantIndex(rows);

    private static int Slot(int principal, int shift) => (int)(((uint)principal * 0x9E3779B9u) >> shift);

    /// <summary>Rows [Start, End) belong to the principal; PrincipalPlusOne is 0 in an empty slot.</summary>
    private readonly record struct Run(int PrincipalPlusOne, int Start, int End);
}
