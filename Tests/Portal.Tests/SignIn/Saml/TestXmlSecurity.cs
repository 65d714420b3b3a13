using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography.Xml;
using System.Text;
using System.Xml;
using Portal.Features.SignIn.Saml;

namespace Portal.Tests.SignIn.Saml;

public enum AssertionEncryption
{
    None,
    Aes256Cbc,
    Aes128Gcm,
    Aes256Gcm,
}

/// <summary>What an IdP does: enveloped signatures and assertion encryption, written for the tests only.</summary>
public static class TestXmlSecurity
{
    /// <summary>Signs <paramref name="element"/> enveloped, inserting the Signature right after its Issuer (schema order).</summary>
    public static void Sign(XmlElement element, X509Certificate2 signer, X509Certificate2? embedded,
        string signatureMethod = SamlNames.RsaSha256, string digestMethod = SamlNames.Sha256)
    {
        ArgumentNullException.ThrowIfNull(element);
        ArgumentNullException.ThrowIfNull(signer);
        var signedXml = new SignedXml(element) { SigningKey = signer.GetRSAPrivateKey() };
        signedXml.SignedInfo!.CanonicalizationMethod = SamlNames.ExcC14N;
        signedXml.SignedInfo.SignatureMethod = signatureMethod;
        var reference = new Reference("#" + element.GetAttribute("ID")) { DigestMethod = digestMethod };
        reference.AddTransform(new XmlDsigEnvelopedSignatureTransform());
        reference.AddTransform(new XmlDsigExcC14NTransform());
        signedXml.AddReference(reference);
        if (embedded is not null)
        {
            var keyInfo = new KeyInfo();
            keyInfo.AddClause(new KeyInfoX509Data(embedded));
            signedXml.KeyInfo = keyInfo;
        }
        signedXml.ComputeSignature();
        var signature = element.OwnerDocument.ImportNode(signedXml.GetXml(), deep: true);
        var issuer = element.ChildNodes.OfType<XmlElement>().FirstOrDefault(e => e.LocalName == "Issuer");
        if (issuer is null)
        {
            element.PrependChild(signature);
        }
        else
        {
            element.InsertAfter(signature, issuer);
        }
    }

    /// <summary>Replaces <paramref name="assertion"/> with an EncryptedAssertion for <paramref name="recipient"/>.</summary>
    public static XmlElement Encrypt(XmlElement assertion, X509Certificate2 recipient, AssertionEncryption kind)
    {
        ArgumentNullException.ThrowIfNull(assertion);
        ArgumentNullException.ThrowIfNull(recipient);
        var plaintext = Encoding.UTF8.GetBytes(assertion.OuterXml);
        var (algorithm, keySize) = kind switch
        {
            AssertionEncryption.Aes256Cbc => (SamlNames.Aes256Cbc, 32),
            AssertionEncryption.Aes128Gcm => (SamlNames.Aes128Gcm, 16),
            AssertionEncryption.Aes256Gcm => (SamlNames.Aes256Gcm, 32),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        var key = RandomNumberGenerator.GetBytes(keySize);
        byte[] cipher;
        if (kind == AssertionEncryption.Aes256Cbc)
        {
            using var aes = Aes.Create();
            aes.Key = key;
            var iv = RandomNumberGenerator.GetBytes(16);
            cipher = [.. iv, .. aes.EncryptCbc(plaintext, iv, PaddingMode.PKCS7)];
        }
        else
        {
            var nonce = RandomNumberGenerator.GetBytes(12);
            var body = new byte[plaintext.Length];
            var tag = new byte[16];
            using var gcm = new AesGcm(key, 16);
            gcm.Encrypt(nonce, plaintext, body, tag);
            cipher = [.. nonce, .. body, .. tag];
        }
        using var rsa = recipient.GetRSAPublicKey()!;
        var wrapped = rsa.Encrypt(key, RSAEncryptionPadding.OaepSHA1);

        var xml = $"""
            <saml:EncryptedAssertion xmlns:saml="{SamlNames.Assertion}"><xenc:EncryptedData xmlns:xenc="{SamlNames.XEnc}" Type="{SamlNames.EncryptedElementType}"><xenc:EncryptionMethod Algorithm="{algorithm}"/><ds:KeyInfo xmlns:ds="{SamlNames.DSig}"><xenc:EncryptedKey><xenc:EncryptionMethod Algorithm="{SamlNames.RsaOaepMgf1P}"><ds:DigestMethod Algorithm="{SamlNames.Sha1}"/></xenc:EncryptionMethod><xenc:CipherData><xenc:CipherValue>{Convert.ToBase64String(wrapped)}</xenc:CipherValue></xenc:CipherData></xenc:EncryptedKey></ds:KeyInfo><xenc:CipherData><xenc:CipherValue>{Convert.ToBase64String(cipher)}</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData></saml:EncryptedAssertion>
            """;
        var fragment = new XmlDocument { PreserveWhitespace = true };
        fragment.LoadXml(xml);
        var encrypted = (XmlElement)assertion.OwnerDocument.ImportNode(fragment.DocumentElement!, deep: true);
        assertion.ParentNode!.ReplaceChild(encrypted, assertion);
        return encrypted;
    }

    /// <summary>Flips one bit of the EncryptedData ciphertext at <paramref name="offset"/> (negative counts from the end).</summary>
    public static void FlipCipherBit(XmlDocument document, int offset)
    {
        ArgumentNullException.ThrowIfNull(document);
        var data = (XmlElement)document.GetElementsByTagName("EncryptedData", SamlNames.XEnc)[0]!;
        var value = data.ChildNodes.OfType<XmlElement>().Single(e => e.LocalName == "CipherData")
            .ChildNodes.OfType<XmlElement>().Single(e => e.LocalName == "CipherValue");
        var bytes = Convert.FromBase64String(value.InnerText);
        var index = offset >= 0 ? offset : bytes.Length + offset;
        bytes[index] ^= 0x01;
        value.InnerText = Convert.ToBase64String(bytes);
    }
}
