using System.Security.Cryptography;
using System.Text;

namespace Portal.Connectors.Anonymization;

/// <summary>
/// Per-grant keys. The portal keeps the master secret; the connector only ever sees the derived key,
/// so pseudonyms are stable within one grant and unlinkable across grants.
/// </summary>
public static class KeyDerivation
{
    public const int KeyLength = 32;

    // A fixed, public salt: HKDF's salt separates this application's keys from other uses of the same secret.
    private static readonly byte[] Salt = Encoding.ASCII.GetBytes("portal.connectors/hkdf-salt/v1");

    /// <summary>HKDF-SHA-256(masterSecret, salt, info = "grant-key/v1" ‖ 0 ‖ UTF-8(grantId)), 32 bytes.</summary>
    public static byte[] ForGrant(byte[] masterSecret, string grantId)
    {
        ArgumentNullException.ThrowIfNull(masterSecret);
        ArgumentException.ThrowIfNullOrEmpty(grantId);
        if (masterSecret.Length < 16)
        {
            throw new ArgumentException("the master secret must have at least 16 bytes", nameof(masterSecret));
        }
        var info = Encoding.UTF8.GetBytes("grant-key/v1\0" + grantId);
        return HKDF.DeriveKey(HashAlgorithmName.SHA256, masterSecret, KeyLength, Salt, info);
    }
}
