using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Portal.Connectors.Rows;

namespace Portal.Connectors;

/// <summary>
/// Rows read while the class count still runs, in arrival order, up to a byte limit. A record holds the row's
/// number, its class ordinals (which give back its generalized quasi-identifiers) and the input values of its
/// other columns and subject: those are transformed only once the row is known to be delivered, as in a live
/// stream. Varint-packed (~50 bytes for a demo row) into 1 MB chunks, each dropped once read: memory is bounded
/// by the limit, not by the rows.
/// </summary>
internal sealed class PendingRows(long limit)
{
    private const int ChunkSize = 1 << 20;

    private readonly List<byte[]> _chunks = [];
    private readonly List<int> _used = [];
    private int _writeAt;
    private int _readChunk;
    private int _readAt;
    private long _bytes;
    private long _lastAdded;
    private long _lastTaken;
    private char[] _text = new char[256];
    private char[] _otherText = new char[256];
    private int _textUsed;

    public long Count { get; private set; }

    /// <summary>Whether the limit is reached; the stream then stops reading until the counts are in.</summary>
    public bool Full => _bytes >= limit;

    /// <summary>Adds row number <paramref name="row"/>: <paramref name="ordinals"/>, then <paramref name="cells"/>' values at the indexes <paramref name="stored"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(long row, ReadOnlySpan<int> ordinals, ReadOnlySpan<Cell> cells, ReadOnlySpan<int> stored)
    {
        var need = 10 + (5 * ordinals.Length);
        foreach (var i in stored)
        {
            need += 11 + (cells[i].Kind == CellKind.Text ? 5 + (2 * cells[i].Text.Length) : 0);
        }
        if (_chunks.Count == 0 || _chunks[^1].Length - _writeAt < need)
        {
            _chunks.Add(new byte[Math.Max(ChunkSize, need)]);
            _used.Add(0);
            _writeAt = 0;
        }
        var chunk = _chunks[^1].AsSpan(_writeAt);
        var at = WriteVarint(chunk, (ulong)(row - _lastAdded));
        _lastAdded = row;
        foreach (var o in ordinals)
        {
            at += WriteVarint(chunk[at..], (uint)o);
        }
        foreach (var i in stored)
        {
            var cell = cells[i];
            chunk[at++] = (byte)cell.Kind;
            switch (cell.Kind)
            {
                case CellKind.Null:
                    break;
                case CellKind.Text:
                    var text = cell.Text.Span;
                    at += WriteVarint(chunk[at..], (uint)text.Length);
                    MemoryMarshal.AsBytes(text).CopyTo(chunk[at..]);
                    at += 2 * text.Length;
                    break;
                default:
                    // Zigzag: small negative and positive numbers alike take few bytes.
                    at += WriteVarint(chunk[at..], (ulong)((cell.Bits << 1) ^ (cell.Bits >> 63)));
                    break;
            }
        }
        _writeAt += at;
        _used[^1] = _writeAt;
        _bytes += at;
        Count++;
    }

    /// <summary>
    /// Lets <see cref="Take"/> reuse the text of the cells it gave out before the previous call: two arrays alternate,
    /// so the cells of one batch stay valid while the next batch is taken.
    /// </summary>
    public void ReleaseText()
    {
        (_text, _otherText) = (_otherText, _text);
        _textUsed = 0;
    }

    /// <summary>Takes the oldest row out: its ordinals, and its stored cells into <paramref name="cells"/> (text valid until <see cref="ReleaseText"/>); returns its number.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public long Take(Span<int> ordinals, Cell[] cells, ReadOnlySpan<int> stored)
    {
        if (Count == 0)
        {
            throw new InvalidOperationException("no pending row left");
        }
        if (_readAt >= _used[_readChunk])
        {
            _chunks[_readChunk] = [];
            _readChunk++;
            _readAt = 0;
        }
        var chunk = _chunks[_readChunk].AsSpan(_readAt);
        var at = ReadVarint(chunk, out var delta);
        var row = _lastTaken += (long)delta;
        for (var i = 0; i < ordinals.Length; i++)
        {
            at += ReadVarint(chunk[at..], out var o);
            ordinals[i] = (int)o;
        }
        var textUsed = _textUsed;
        foreach (var i in stored)
        {
            var kind = (CellKind)chunk[at++];
            switch (kind)
            {
                case CellKind.Null:
                    cells[i] = Cell.Null;
                    break;
                case CellKind.Text:
                    at += ReadVarint(chunk[at..], out var length);
                    var n = (int)length;
                    if (_text.Length - textUsed < n)
                    {
                        // A new array, never a copy: cells given out before still point into the old one.
                        _text = new char[Math.Max(_text.Length * 2, n + 256)];
                        textUsed = 0;
                    }
                    MemoryMarshal.Cast<byte, char>(chunk.Slice(at, 2 * n)).CopyTo(_text.AsSpan(textUsed));
                    cells[i] = Cell.FromText(_text.AsMemory(textUsed, n));
                    textUsed += n;
                    at += 2 * n;
                    break;
                default:
                    at += ReadVarint(chunk[at..], out var zigzag);
                    cells[i] = Cell.FromBits(kind, (long)(zigzag >> 1) ^ -(long)(zigzag & 1));
                    break;
            }
        }
        _readAt += at;
        _textUsed = textUsed;
        Count--;
        if (Count == 0)
        {
            // Once the counts are in, rows pass through in small batches: the last chunk is reused for them
            // rather than a new 1 MB array (large-object heap) per batch.
            var last = _chunks[^1];
            _chunks.Clear();
            _used.Clear();
            if (last.Length == ChunkSize)
            {
                _chunks.Add(last);
                _used.Add(0);
            }
            _writeAt = 0;
            _readChunk = 0;
            _readAt = 0;
            _bytes = 0;
        }
        return row;
    }

    private static int WriteVarint(Span<byte> to, ulong value)
    {
        var n = 0;
        while (value >= 0x80)
        {
            to[n++] = (byte)(value | 0x80);
            value >>= 7;
        }
        to[n++] = (byte)value;
        return n;
    }

    private static int ReadVarint(ReadOnlySpan<byte> from, out ulong value)
    {
        value = 0;
        var shift = 0;
        var n = 0;
        while (true)
        {
            var b = from[n++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return n;
            }
            shift += 7;
        }
    }
}
