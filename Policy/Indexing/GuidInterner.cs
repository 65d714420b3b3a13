using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Portal.Policy.Indexing;

/// <summary>
/// Gives every id the snapshot knows (users, VOs, institutions, datasets) a dense int, so that rows live in
/// plain arrays indexed by it. An immutable open-addressing table with the keys inline: a lookup is usually one
/// cache line, with no object per entry. Adding ids copies the table (a few hundred KB at 10,000 users); ids are
/// never removed, so rows can be cleared without renumbering. <see cref="Guid.Empty"/> is always id 0.
/// </summary>
internal sealed class GuidInterner
{
    public const int NotFound = -1;

    private readonly Slot[] _slots;
    private readonly int _shift;

    private GuidInterner(Slot[] slots, int count)
    {
        _slots = slots;
        _shift = 64 - BitOperations.Log2((uint)slots.Length);
        Count = count;
    }

    /// <summary>Ids run from 0 to Count - 1: the length row arrays need.</summary>
    public int Count { get; }

    public static GuidInterner Create(IEnumerable<Guid> ids)
    {
        var list = new List<Guid> { Guid.Empty };
        list.AddRange(ids);
        var interner = new GuidInterner(new Slot[CapacityFor(list.Count)], 0);
        return interner.Add(list);
    }

    public int Find(in Guid id)
    {
        var slots = _slots;
        var mask = slots.Length - 1;
        ref var first = ref MemoryMarshal.GetArrayDataReference(slots);
        for (var i = Hash(id, _shift); ; i = (i + 1) & mask)
        {
            // The table is at most half full, so the probe always reaches an empty slot; i stays within the mask.
            ref var slot = ref Unsafe.Add(ref first, i);
            if (slot.IdPlusOne == 0)
            {
                return NotFound;
            }
            if (slot.Key == id)
            {
                return slot.IdPlusOne - 1;
            }
        }
    }

    /// <summary>
    /// Two lookups at once: both home slots are read before either is compared, so that their cache misses
    /// overlap instead of the second waiting behind the first one's (unpredictable) branches.
    /// </summary>
    public void Find(in Guid a, in Guid b, out int idA, out int idB)
    {
        ref var first = ref MemoryMarshal.GetArrayDataReference(_slots);
        var homeA = Hash(a, _shift);
        var homeB = Hash(b, _shift);
        var slotA = Unsafe.Add(ref first, homeA);
        var slotB = Unsafe.Add(ref first, homeB);
        idA = slotA.IdPlusOne == 0 ? NotFound : slotA.Key == a ? slotA.IdPlusOne - 1 : Find(a);
        idB = slotB.IdPlusOne == 0 ? NotFound : slotB.Key == b ? slotB.IdPlusOne - 1 : Find(b);
    }

    /// <summary>This interner if it knows every id already, otherwise a copy that also numbers the new ones.</summary>
    public GuidInterner With(params ReadOnlySpan<Guid> ids)
    {
        List<Guid>? missing = null;
        foreach (var id in ids)
        {
            if (Find(id) == NotFound)
            {
                (missing ??= []).Add(id);
            }
        }
        if (missing is null)
        {
            return this;
        }
        var capacity = CapacityFor(Count + missing.Count);
        Slot[] slots;
        if (capacity == _slots.Length)
        {
            slots = (Slot[])_slots.Clone();
        }
        else
        {
            slots = new Slot[capacity];
            foreach (var slot in _slots)
            {
                if (slot.IdPlusOne != 0)
                {
                    Insert(slots, slot.Key, slot.IdPlusOne);
                }
            }
        }
        return new GuidInterner(slots, Count).Add(missing);
    }

    // Only used on a fresh copy that no reader has seen yet.
    private GuidInterner Add(List<Guid> ids)
    {
        var count = Count;
        foreach (var id in ids)
        {
            if (Find(id) == NotFound)
            {
                Insert(_slots, id, ++count);
            }
        }
        return new GuidInterner(_slots, count);
    }

    private static void Insert(Slot[] slots, Guid id, int idPlusOne)
    {
        var mask = slots.Length - 1;
        var i = Hash(id, 64 - BitOperations.Log2((uint)slots.Length));
        while (slots[i].IdPlusOne != 0)
        {
            i = (i + 1) & mask;
        }
        slots[i] = new Slot { Key = id, IdPlusOne = idPlusOne };
    }

    // At most half full keeps probes short (a denser table measured no faster); at least 16 slots keeps the shift
    // below 64.
    private static int CapacityFor(int count) => (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, count * 2));

    // Both halves of the Guid take part: portal ids are random, but test and benchmark ids differ in few bytes.
    private static int Hash(in Guid id, int shift)
    {
        ref var words = ref Unsafe.As<Guid, ulong>(ref Unsafe.AsRef(in id));
        var h = (words ^ (Unsafe.Add(ref words, 1) * 0x9E3779B97F4A7C15UL)) * 0xD6E8FEB86659FD93UL;
        return (int)(h >> shift);
    }

    private struct Slot
    {
        public Guid Key;

        // 0 marks an empty slot, so a fresh array is an empty table.
        public int IdPlusOne;
    }
}
