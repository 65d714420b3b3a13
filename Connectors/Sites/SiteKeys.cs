using System.Security.Cryptography;

namespace Portal.Connectors.Sites;

/// <summary>
/// ECDSA P-256 keys of the link: the portal's order-signing key and each agent's own. Signatures are IEEE P1363
/// (r‖s, 64 bytes); public keys travel as SubjectPublicKeyInfo (DER); private keys rest as PKCS#8 PEM files.
/// </summary>
public static class SiteKeys
{
    public static ECDsa Create() => ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public static byte[] Sign(ECDsa key, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    /// <summary>True only for a valid P-256 signature by the key whose SubjectPublicKeyInfo is given; any malformed input is false.</summary>
    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        try
        {
            using var key = ECDsa.Create();
            key.ImportSubjectPublicKeyInfo(publicKey, out var read);
            if (read != publicKey.Length || key.KeySize != 256)
            {
                return false;
            }
            return key.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <summary>A short, stable name for a public key: the first 16 hex digits of its SHA-256.</summary>
    public static string Fingerprint(ReadOnlySpan<byte> publicKey) => Convert.ToHexStringLower(SHA256.HashData(publicKey))[..16];

    public static ECDsa ReadPrivateKey(string path)
    {
        var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(path));
        return key;
    }

    /// <summary>Writes a private key readable by its owner only (0600 on Unix), replacing nothing.</summary>
    public static void WritePrivateKey(ECDsa key, string path)
    {
        ArgumentNullException.ThrowIfNull(key);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using var file = new StreamWriter(path, System.Text.Encoding.ASCII, options);
        file.Write(key.ExportPkcs8PrivateKeyPem());
    }
}
