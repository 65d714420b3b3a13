using System.Runtime.CompilerServices;
using System.Text;
using Portal.Connectors.Rows;

namespace Portal.Connectors.Anonymization.Transforms;

/// <summary>
/// HMAC-SHA-256 over "domain ‖ 0 ‖ canonical text of the value(s)". The canonical text makes the integer 42
/// from PostgreSQL and the text "42" from a CSV file hash alike. The key's pads are compressed once
/// (<see cref="HmacSha256"/>): a short value then costs two SHA-256 blocks and no native context.
/// Not thread-safe; a transform belongs to one export.
/// </summary>
internal sealed class KeyedHash(byte[] key, string domain)
{
    private readonly HmacSha256 _hmac = new(key);
    private readonly byte[] _domain = Encoding.UTF8.GetBytes(domain + "\0");
    private byte[] _scratch = new byte[Math.Max(256, Encoding.UTF8.GetByteCount(domain) + 64)];

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Compute(Cell value, Cell second, Span<byte> destination)
    {
        _domain.CopyTo(_scratch, 0);
        var length = Append(value, _domain.Length);
        if (!second.IsNull)
        {
            _scratch[length] = 0;
            length = Append(second, length + 1);
        }
        _hmac.Compute(_scratch.AsSpan(0, length), destination);
    }

    /// <summary>Writes the canonical UTF-8 text of <paramref name="cell"/> into the scratch buffer at <paramref name="at"/>; returns the new end.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int Append(Cell cell, int at)
    {
        Span<char> chars = stackalloc char[48];
        scoped ReadOnlySpan<char> text;
        if (cell.Kind == CellKind.Text)
        {
            text = cell.Text.Span;
        }
        else
        {
            cell.TryFormat(chars, out var n);
            text = chars[..n];
        }
        var max = at + Encoding.UTF8.GetMaxByteCount(text.Length) + 1;
        if (_scratch.Length < max)
        {
            Array.Resize(ref _scratch, max);
        }
        return at + Encoding.UTF8.GetBytes(text, _scratch.AsSpan(at));
    }
}
