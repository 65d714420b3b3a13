using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Portal.Connectors.Rows;

namespace Portal.Connectors.Anonymization.Transforms;

/// <summary>
/// HMAC-SHA-256 over "domain ‖ 0 ‖ canonical text of the value(s)". The canonical text makes the integer 42
/// from PostgreSQL and the text "42" from a CSV file hash alike. One reusable HMAC per transform: the one-shot
/// API sets up a new native context per call, which costs more than the hashing itself on the hot path.
/// Not thread-safe; a transform belongs to one export.
/// </summary>
internal sealed class KeyedHash(byte[] key, string domain)
{
    private readonly IncrementalHash _hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
    private readonly byte[] _domain = Encoding.UTF8.GetBytes(domain + "\0");
    private byte[] _scratch = new byte[Math.Max(256, Encoding.UTF8.GetByteCount(domain) + 64)];

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Compute(Cell value, Cell second, Span<byte> destination)
    {
        // One AppendData per value: every call into the native HMAC costs more than hashing a short value.
        _domain.CopyTo(_scratch, 0);
        var length = Append(value, _domain.Length);
        if (!second.IsNull)
        {
            _scratch[length] = 0;
            length = Append(second, length + 1);
        }
        _hmac.AppendData(_scratch.AsSpan(0, length));
        _hmac.GetHashAndReset(destination);
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
