using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Portal.Connectors.Rows;

namespace Portal.Connectors.Anonymization.Transforms;

/// <summary>
/// HMAC-SHA-256 over "domain ‖ 0 ‖ canonical text of the value(s)". The canonical text makes the
/// integer 42 from PostgreSQL and the text "42" from a CSV file hash alike. Stack buffers: no allocation per row.
/// </summary>
internal static class KeyedHash
{
    private const int StackLimit = 512;

    public static void Compute(ReadOnlySpan<byte> key, ReadOnlySpan<byte> domain, Cell value, Cell second, Span<byte> destination)
    {
        var max = domain.Length + 2 + Encoding.UTF8.GetMaxByteCount(value.MaxFormattedLength + second.MaxFormattedLength);
        byte[]? rented = null;
        var message = max <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(max));
        try
        {
            domain.CopyTo(message);
            var length = domain.Length;
            message[length++] = 0;
            length += AppendCanonical(value, message[length..]);
            if (!second.IsNull)
            {
                message[length++] = 0;
                length += AppendCanonical(second, message[length..]);
            }
            HMACSHA256.HashData(key, message[..length], destination);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static int AppendCanonical(Cell cell, Span<byte> destination)
    {
        if (cell.Kind == CellKind.Text)
        {
            return Encoding.UTF8.GetBytes(cell.Text.Span, destination);
        }
        Span<char> chars = stackalloc char[48];
        cell.TryFormat(chars, out var n);
        return Encoding.UTF8.GetBytes(chars[..n], destination);
    }
}
