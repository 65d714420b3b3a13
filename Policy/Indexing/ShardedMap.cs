using System.Diagnostics.CodeAnalysis;

namespace Portal.Policy.Indexing;

/// <summary>
/// An immutable hash map split into shards, so that a copy-on-write update copies one small shard instead of
/// the whole map, while a lookup stays a plain <see cref="Dictionary{TKey, TValue}"/> probe (no lock, no allocation).
/// A published instance and its shards are never mutated.
/// </summary>
internal sealed class ShardedMap<TKey, TValue>
    where TKey : notnull, IEquatable<TKey>
{
    private const int MinShardBits = 4;
    private const int MaxShardBits = 14;
    private const int TargetPerShard = 64;

    private readonly Dictionary<TKey, TValue>[] _shards;
    private readonly int _shift;

    private ShardedMap(Dictionary<TKey, TValue>[] shards, int shift, int count)
    {
        _shards = shards;
        _shift = shift;
        Count = count;
    }

    public int Count { get; }

    public static ShardedMap<TKey, TValue> Create(IEnumerable<KeyValuePair<TKey, TValue>> items, int expectedCount)
    {
        var bits = MinShardBits;
        while (bits < MaxShardBits && (1 << bits) * TargetPerShard < expectedCount)
        {
            bits++;
        }
        var shards = new Dictionary<TKey, TValue>[1 << bits];
        for (var i = 0; i < shards.Length; i++)
        {
            shards[i] = [];
        }
        var shift = 32 - bits;
        foreach (var (key, value) in items)
        {
            shards[IndexOf(key, shift)][key] = value;
        }
        return new ShardedMap<TKey, TValue>(shards, shift, shards.Sum(s => s.Count));
    }

    public bool TryGetValue(TKey key, [MaybeNullWhen(false)] out TValue value) =>
        _shards[IndexOf(key, _shift)].TryGetValue(key, out value);

    public ShardedMap<TKey, TValue> SetItem(TKey key, TValue value)
    {
        var index = IndexOf(key, _shift);
        var shard = new Dictionary<TKey, TValue>(_shards[index]);
        var added = shard.TryAdd(key, value);
        if (!added)
        {
            shard[key] = value;
        }
        return WithShard(index, shard, added ? Count + 1 : Count);
    }

    public ShardedMap<TKey, TValue> Remove(TKey key)
    {
        var index = IndexOf(key, _shift);
        if (!_shards[index].ContainsKey(key))
        {
            return this;
        }
        var shard = new Dictionary<TKey, TValue>(_shards[index]);
        shard.Remove(key);
        return WithShard(index, shard, Count - 1);
    }

    public IEnumerable<KeyValuePair<TKey, TValue>> Items => _shards.SelectMany(s => s);

    private ShardedMap<TKey, TValue> WithShard(int index, Dictionary<TKey, TValue> shard, int count)
    {
        var shards = (Dictionary<TKey, TValue>[])_shards.Clone();
        shards[index] = shard;
        return new ShardedMap<TKey, TValue>(shards, _shift, count);
    }

    // Fibonacci hashing spreads keys whose hash codes differ only in low bits over the high bits used here.
    private static int IndexOf(TKey key, int shift) => (int)(((uint)key.GetHashCode() * 0x9E3779B9u) >> shift);
}
