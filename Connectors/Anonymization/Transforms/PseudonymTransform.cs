using System.Runtime.CompilerServices;
using Portal.Connectors.Rows;

namespace Portal.Connectors.Anonymization.Transforms;

/// <summary>Keyed pseudonym: hex of HMAC-SHA-256(grant key, domain ‖ value), truncated. Same value → same pseudonym within one grant.</summary>
internal sealed class PseudonymTransform(byte[] key, string domain, int length) : ColumnTransform
{
    private readonly KeyedHash _hash = new(key, "pseudonym/" + domain);
    private readonly CharBuffer _buffer = new();

    public override string Describe() => $"pseudonym(HMAC-SHA-256, domain={domain}, {length} hex)";

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override Cell Apply(Cell value, Cell subject)
    {
        if (value.IsNull)
        {
            return value;
        }
        Span<byte> mac = stackalloc byte[32];
        _hash.Compute(value, Cell.Null, mac);
        Convert.TryToHexStringLower(mac, _buffer.Get(64), out _);
        return Cell.FromText(_buffer.Slice(length));
    }
}
