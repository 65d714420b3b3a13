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
    private byte[] _scratch = new byte[256];

    public void Compute(Cell value, Cell second, Span<byte> destination)
    {
        _hmac.AppendData(_domain);
        Append(value);
        if (!second.IsNull)
        {
            _hmac.AppendData([0]);
            Append(second);
        }
        _hmac.GetHashAndReset(destination);
    }

    private void Append(Cell cell)
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
        var max = Encoding.UTF8.GetMaxByteCount(text.Length);
        if (_scratch.Length < max)
        {
            _scratch = new byte[max];
        }
        var length = Encoding.UTF8.GetBytes(text, _scratch);
        _hmac.AppendData(_scratch.AsSpan(0, length));
    }
}
