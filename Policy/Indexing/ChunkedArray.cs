using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Portal.Policy.Indexing;

/// <summary>
/// An immutable array indexed by interned id, cut into chunks of 512 entries, so that a copy-on-write update
/// copies the small chunk table and one chunk (a few KB) instead of the whole array. That keeps single-row
/// updates in the microseconds and off the large-object heap (whole-array copies there would trigger gen-2
/// collections under a stream of notifications). A read is two array loads; the chunk table stays in cache.
/// </summary>
internal sealed class ChunkedArray<T>
{
    private const int ChunkBits = 9;
    private const int ChunkSize = 1 << ChunkBits;
    private const int ChunkMask = ChunkSize - 1;

    private readonly T[][] _chunks;

    /// <summary>The value of every entry never set: the empty row or node.</summary>
    private readonly T _empty;

    private ChunkedArray(T[][] chunks, T empty)
    {
        _chunks = chunks;
        _empty = empty;
    }

    public static ChunkedArray<T> Create(ReadOnlySpan<T> items, T empty)
    {
        var chunks = new T[(items.Length + ChunkMask) >> ChunkBits][];
        for (var c = 0; c < chunks.Length; c++)
        {
            chunks[c] = NewChunk(empty);
            var part = items[(c << ChunkBits)..Math.Min(items.Length, (c + 1) << ChunkBits)];
            part.CopyTo(chunks[c]);
        }
        return new ChunkedArray<T>(chunks, empty);
    }

    /// <summary>The entry, or the empty value for an id beyond the end (or <see cref="GuidInterner.NotFound"/>).</summary>
    public T this[int id]
    {
        get
        {
            var chunks = _chunks;
            var c = id >> ChunkBits;
            if ((uint)c >= (uint)chunks.Length)
            {
                return _empty;
            }
            // Every chunk has exactly ChunkSize entries, so the masked index is in range: reading through the data
            // reference skips the bounds check, whose load of the chunk's length was a cache miss of its own.
            var chunk = Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(chunks), c);
            return Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(chunk), id & ChunkMask);
        }
    }

    /// <summary>As the indexer, by reference: for entries too large to copy on the hot path.</summary>
    public ref readonly T RefAt(int id)
    {
        var chunks = _chunks;
        var c = id >> ChunkBits;
        if ((uint)c >= (uint)chunks.Length)
        {
            return ref _empty;
        }
        var chunk = Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(chunks), c);
        return ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(chunk), id & ChunkMask);
    }

    public IEnumerable<T> Items => _chunks.SelectMany(c => c);

    public ChunkedArray<T> SetItem(int id, T value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(id);
        var c = id >> ChunkBits;
        var chunks = new T[Math.Max(_chunks.Length, c + 1)][];
        _chunks.CopyTo(chunks, 0);
        for (var i = _chunks.Length; i < chunks.Length; i++)
        {
            chunks[i] = NewChunk(_empty);
        }
        chunks[c] = c < _chunks.Length ? (T[])_chunks[c].Clone() : chunks[c];
        chunks[c][id & ChunkMask] = value;
        return new ChunkedArray<T>(chunks, _empty);
    }

    private static T[] NewChunk(T empty)
    {
        var chunk = new T[ChunkSize];
        Array.Fill(chunk, empty);
        return chunk;
    }
}
