using System.Numerics;
using System.Runtime.CompilerServices;

namespace Portal.Connectors.Anonymization.Generalization;

/// <summary>
/// Packed class keys to dense class numbers, reused from one node to the next so a roll-up allocates nothing here.
/// Small key spaces use a direct array; larger ones an open-addressing table (linear probing, at most half full).
/// Slots carry the number of the roll-up that wrote them, so starting the next one clears nothing.
/// Keys are group ordinals in mixed radix, not data chosen by an outsider, so a fixed odd multiplier is enough.
/// </summary>
internal sealed class KeyAggregator
{
    /// <summary>Key spaces up to this size are indexed directly (4 bytes of slot and 4 of stamp per key).</summary>
    private const long DirectLimit = 1 << 20;

    private const ulong Multiplier = 0x9E3779B97F4A7C15UL;

    private int[] _directSlot = [];
    private int[] _directStamp = [];
    private long[] _keys = [];
    private int[] _slots = [];
    private int[] _stamps = [];
    private int _shift;
    private int _stamp;
    private bool _direct;

    private int[] _classOf = [];

    public int Count { get; private set; }

    /// <summary>A reusable buffer of at least <paramref name="length"/> ints for the caller's class numbers per source row.</summary>
    public int[] ClassOf(int length)
    {
        if (_classOf.Length < length)
        {
            _classOf = new int[Math.Max(length, _classOf.Length * 2)];
        }
        return _classOf;
    }

    /// <summary>Starts a roll-up of at most <paramref name="maxKeys"/> distinct keys below <paramref name="keySpace"/>.</summary>
    public void Begin(long keySpace, int maxKeys)
    {
        Count = 0;
        _stamp++;
        _direct = keySpace <= DirectLimit;
        if (_direct)
        {
            if (_directSlot.Length < keySpace)
            {
                _directSlot = new int[keySpace];
                _directStamp = new int[keySpace];
            }
            return;
        }
        var capacity = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, maxKeys * 2));
        if (_keys.Length < capacity)
        {
            _keys = new long[capacity];
            _slots = new int[capacity];
            _stamps = new int[capacity];
        }
        _shift = 64 - BitOperations.Log2((uint)_keys.Length);
    }

    /// <summary>The class number of <paramref name="key"/>; a new key gets the next number and <paramref name="added"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int GetOrAdd(long key, out bool added)
    {
        if (_direct)
        {
            if (_directStamp[key] == _stamp)
            {
                added = false;
                return _directSlot[key];
            }
            _directStamp[key] = _stamp;
            added = true;
            return _directSlot[key] = Count++;
        }
        return Probe(key, out added);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int Probe(long key, out bool added)
    {
        var mask = _keys.Length - 1;
        for (var slot = (int)(((ulong)key * Multiplier) >> _shift); ; slot = (slot + 1) & mask)
        {
            if (_stamps[slot] != _stamp)
            {
                _stamps[slot] = _stamp;
                _keys[slot] = key;
                added = true;
                return _slots[slot] = Count++;
            }
            if (_keys[slot] == key)
            {
                added = false;
                return _slots[slot];
            }
        }
    }
}
