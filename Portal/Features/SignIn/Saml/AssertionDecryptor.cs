using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Xml;

namespace Portal.Features.SignIn.Saml;

/// <summary>
/// Decrypts an <c>EncryptedAssertion</c>: RSA-OAEP key transport, then AES-GCM (xmlenc11, what Shibboleth IdP v4+
/// sends) or AES-CBC (xmlenc, what SimpleSAMLphp sends). Done by hand because EncryptedXml knows no GCM, and one code
/// path for both keeps the rules identical. Every decryption failure has the same reason, so the error cannot serve
/// as a padding or key oracle.
/// </summary>
internal static class AssertionDecryptor
{
    private const int GcmNonceSize = 12;
    private const int GcmTagSize = 16;
    private const int CbcIvSize = 16;

    public static byte[] Decrypt(XmlElement encryptedAssertion, IReadOnlyList<X509Certificate2> spKeys)
    {
        var encryptedData = SafeXml.RequiredChild(encryptedAssertion, SamlNames.XEnc, "EncryptedData");
        var type = SafeXml.Attribute(encryptedData, "Type");
        if (type is not null && type != SamlNames.EncryptedElementType)
        {
            throw new SamlValidationException(SamlReasons.EncryptionAlgorithm, $"EncryptedData Type {type}");
        }
        var dataAlgorithm = MethodOf(encryptedData);
        var keySize = dataAlgorithm switch
        {
            SamlNames.Aes128Gcm or SamlNames.Aes128Cbc => 16,
            SamlNames.Aes192Gcm or SamlNames.Aes192Cbc => 24,
            SamlNames.Aes256Gcm or SamlNames.Aes256Cbc => 32,
            _ => throw new SamlValidationException(SamlReasons.EncryptionAlgorithm, $"data encryption {dataAlgorithm}"),
        };
        var cipherText = CipherValue(encryptedData);
        var encryptedKey = FindEncryptedKey(encryptedData, encryptedAssertion);
        var padding = KeyTransportPadding(encryptedKey);
        var wrappedKey = CipherValue(encryptedKey);

        if (spKeys.Count == 0)
        {
            throw new SamlValidationException(SamlReasons.Decryption, "this SP has no decryption key configured");
        }
        foreach (var certificate in spKeys)
        {
            var key = KeyPool.WithRsaPrivateKey(certificate, rsa => Unwrap(rsa, wrappedKey, padding));
            if (key is null)
            {
                continue;
            }
            try
            {
                if (key.Length != keySize)
                {
                    throw new SamlValidationException(SamlReasons.Decryption, "content key has the wrong length");
                }
                return dataAlgorithm.StartsWith(SamlNames.XEnc11, StringComparison.Ordinal)
                    ? DecryptGcm(key, cipherText)
                    : DecryptCbc(key, cipherText);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(key);
            }
        }
        throw new SamlValidationException(SamlReasons.Decryption, "no SP key unwraps the content key");
    }

    private static byte[]? Unwrap(RSA rsa, byte[] wrappedKey, RSAEncryptionPadding padding)
    {
        try
        {
            return rsa.Decrypt(wrappedKey, padding);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    private static byte[] DecryptGcm(byte[] key, byte[] data)
    {
        if (data.Length < GcmNonceSize + GcmTagSize)
        {
            throw new SamlValidationException(SamlReasons.Decryption, "GCM ciphertext too short");
        }
        var nonce = data.AsSpan(0, GcmNonceSize);
        var tag = data.AsSpan(data.Length - GcmTagSize);
        var cipher = data.AsSpan(GcmNonceSize, data.Length - GcmNonceSize - GcmTagSize);
        var plain = new byte[cipher.Length];
        try
        {
            using var gcm = new AesGcm(key, GcmTagSize);
            gcm.Decrypt(nonce, cipher, tag, plain);
        }
        catch (CryptographicException e)
        {
            throw new SamlValidationException(SamlReasons.Decryption, "GCM authentication failed", e);
        }
        return plain;
    }

    // XML Encryption's CBC padding: the last byte is the pad length, the other pad bytes are arbitrary.
    private static byte[] DecryptCbc(byte[] key, byte[] data)
    {
        if (data.Length < 2 * CbcIvSize || data.Length % CbcIvSize != 0)
        {
            throw new SamlValidationException(SamlReasons.Decryption, "CBC ciphertext has a wrong length");
        }
        using var aes = Aes.Create();
        aes.Key = key;
        var plain = aes.DecryptCbc(data.AsSpan(CbcIvSize), data.AsSpan(0, CbcIvSize), PaddingMode.None);
        var pad = plain[^1];
        if (pad is 0 or > CbcIvSize)
        {
            throw new SamlValidationException(SamlReasons.Decryption, "CBC padding is invalid");
        }
        return plain[..^pad];
    }

    private static XmlElement FindEncryptedKey(XmlElement encryptedData, XmlElement encryptedAssertion)
    {
        var keyInfo = SafeXml.Child(encryptedData, SamlNames.DSig, "KeyInfo");
        var inside = keyInfo is null ? [] : SafeXml.Children(keyInfo, SamlNames.XEnc, "EncryptedKey").ToList();
        // Some IdPs put the key next to the data (referenced by RetrievalMethod) instead of inside KeyInfo.
        var beside = SafeXml.Children(encryptedAssertion, SamlNames.XEnc, "EncryptedKey").ToList();
        var all = inside.Concat(beside).ToList();
        if (all.Count != 1)
        {
            throw new SamlValidationException(SamlReasons.Decryption, $"{all.Count} EncryptedKey elements instead of one");
        }
        return all[0];
    }

    private static RSAEncryptionPadding KeyTransportPadding(XmlElement encryptedKey)
    {
        var method = SafeXml.RequiredChild(encryptedKey, SamlNames.XEnc, "EncryptionMethod");
        var algorithm = method.GetAttribute("Algorithm");
        var digest = SafeXml.Child(method, SamlNames.DSig, "DigestMethod")?.GetAttribute("Algorithm") ?? SamlNames.Sha1;
        if (SafeXml.Child(method, SamlNames.XEnc, "OAEPparams") is not null)
        {
            throw new SamlValidationException(SamlReasons.EncryptionAlgorithm, "OAEP parameters (label) are not supported");
        }
        if (algorithm == SamlNames.RsaOaepMgf1P)
        {
            return Oaep(digest);
        }
        if (algorithm == SamlNames.RsaOaep)
        {
            // .NET's OAEP uses the same hash for MGF1; any other pairing cannot be decrypted here.
            var mgf = SafeXml.Child(method, SamlNames.XEnc11, "MGF")?.GetAttribute("Algorithm") ?? SamlNames.Mgf1Sha1;
            var expectedMgf = digest switch
            {
                SamlNames.Sha256 => SamlNames.Mgf1Sha256,
                SamlNames.Sha384 => SamlNames.Mgf1Sha384,
                SamlNames.Sha512 => SamlNames.Mgf1Sha512,
                _ => SamlNames.Mgf1Sha1,
            };
            if (mgf != expectedMgf)
            {
                throw new SamlValidationException(SamlReasons.EncryptionAlgorithm, $"OAEP digest {digest} with {mgf}");
            }
            return Oaep(digest);
        }
        // RSA PKCS#1 v1.5 key transport is refused: it is the Bleichenbacher oracle.
        throw new SamlValidationException(SamlReasons.EncryptionAlgorithm, $"key transport {algorithm}");
    }

    private static RSAEncryptionPadding Oaep(string digest) => digest switch
    {
        SamlNames.Sha1 => RSAEncryptionPadding.OaepSHA1,
        SamlNames.Sha256 => RSAEncryptionPadding.OaepSHA256,
        SamlNames.Sha384 => RSAEncryptionPadding.OaepSHA384,
        SamlNames.Sha512 => RSAEncryptionPadding.OaepSHA512,
        _ => throw new SamlValidationException(SamlReasons.EncryptionAlgorithm, $"OAEP digest {digest}"),
    };

    private static string MethodOf(XmlElement encrypted) =>
        SafeXml.RequiredChild(encrypted, SamlNames.XEnc, "EncryptionMethod").GetAttribute("Algorithm");

    private static byte[] CipherValue(XmlElement encrypted)
    {
        var cipherData = SafeXml.RequiredChild(encrypted, SamlNames.XEnc, "CipherData");
        var value = SafeXml.RequiredChild(cipherData, SamlNames.XEnc, "CipherValue");
        try
        {
            return Convert.FromBase64String(SafeXml.ReadText(value));
        }
        catch (FormatException e)
        {
            throw new SamlValidationException(SamlReasons.Decryption, "CipherValue is not base64", e);
        }
    }
}
