using System.Numerics;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace Portal.Connectors.Anonymization;

/// <summary>
/// Long keys to non-negative ints, for <see cref="ColumnOrdinals"/>' hottest lookup (three per row and pass):
/// open addressing with linear probing, at most half full. The slot comes from multiply-shift hashing with a random odd
/// multiplier drawn per table, so data cannot choose keys that pile up in one run of slots. Not thread-safe.
/// </summary>
internal sealed class LongOrdinalTable
{
    private readonly ulong _multiplier = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8)) | 1;
    private long[] _keys = new long[16];
    private int[] _values = new int[16];
    private int _shift = 64 - 4;
    private int _count;

    public int Count => _count;

    /// <summary>The value of <paramref name="key"/>, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int Find(long key)
    {
        var mask = _keys.Length - 1;
        for (var slot = Slot(key); ; slot = (slot + 1) & mask)
        {
            // Values are stored plus one: 0 marks an empty slot.
            var stored = _values[slot];
            if (stored == 0)
            {
                return -1;
            }
            if (_keys[slot] == key)
            {
                return stored - 1;
            }
        }
    }

    /// <summary>The value of <paramref name="key"/>; if absent, adds it with the value <paramref name="value"/> (non-negative).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int GetOrAdd(long key, int value, out bool added)
    {
        var mask = _keys.Length - 1;
        for (var slot = Slot(key); ; slot = (slot + 1) & mask)
        {
            var stored = _values[slot];
            if (stored == 0)
            {
                _keys[slot] = key;
                _values[slot] = value + 1;
                added = true;
                if (++_count * 2 > _keys.Length)
                {
                    Grow();
                }
                return value;
            }
            if (_keys[slot] == key)
            {
                added = false;
                return stored - 1;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Slot(long key) => (int)(((ulong)key * _multiplier) >> _shift);

    private void Grow()
    {
        var keys = _keys;
        var values = _values;
        _keys = new long[keys.Length * 2];
        _values = new int[keys.Length * 2];
        _shift = 64 - BitOperations.Log2((uint)_keys.Length);
        var mask = _keys.Length - 1;
        for (var i = 0; i < keys.Length; i++)
        {
            if (values[i] == 0)
            {
                continue;
            }
            var slot = Slot(keys[i]);
            while (_values[slot] != 0)
            {
                slot = (slot + 1) & mask;
            }
            _keys[slot] = keys[i];
            _values[slot] = values[i];
        }
    }
}
