using System.Text;

namespace Portal.Connectors.Sites;

/// <summary>
/// The exact bytes each side signs outside an order. Each starts with its own label, so a signature made for one
/// purpose (a challenge) can never be replayed as another (an enrollment or a delivery).
/// </summary>
public static class SignedPayloads
{
    public static byte[] Enrollment(string code, ReadOnlySpan<byte> publicKey) =>
        Join("site-link/v1/enroll", code, Convert.ToBase64String(publicKey));

    public static byte[] Challenge(string agentId, ReadOnlySpan<byte> nonce) =>
        Join("site-link/v1/challenge", agentId, Convert.ToBase64String(nonce));

    public static byte[] Opening(string agentId, string orderId) =>
        Join("site-link/v1/opening", agentId, orderId);

    public static byte[] Manifest(string agentId, string orderId, string manifestJson) =>
        Join("site-link/v1/manifest", agentId, orderId, manifestJson);

    private static byte[] Join(params string[] parts)
    {
        // Length-prefixed, so no choice of values can make two different tuples produce the same bytes.
        var b = new StringBuilder();
        foreach (var part in parts)
        {
            b.Append(part.Length).Append(':').Append(part).Append('\n');
        }
        return Encoding.UTF8.GetBytes(b.ToString());
    }
}
