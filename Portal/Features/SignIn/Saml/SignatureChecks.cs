using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Xml;

namespace Portal.Features.SignIn.Saml;

/// <summary>
/// XML signature rules for SAML. Structural rules run before any cryptography, so a wrapped or odd signature is
/// rejected for what it is, and the cryptographic check is bound to the very element the SP later reads.
/// </summary>
internal static partial class SignatureChecks
{
    private static readonly HashSet<string> AllowedCanonicalization = [SamlNames.ExcC14N, SamlNames.ExcC14NWithComments];
    private static readonly HashSet<string> AllowedTransforms =
        [SamlNames.EnvelopedTransform, SamlNames.ExcC14N, SamlNames.ExcC14NWithComments];
    private static readonly HashSet<string> StrongSignatureMethods =
    [
        SamlNames.RsaSha256, SamlNames.RsaSha384, SamlNames.RsaSha512,
        SamlNames.EcdsaSha256, SamlNames.EcdsaSha384, SamlNames.EcdsaSha512,
    ];
    private static readonly HashSet<string> StrongDigests = [SamlNames.Sha256, SamlNames.Sha384, SamlNames.Sha512];

    /// <summary>
    /// Every ds:Signature in the document must sit directly inside an element that may be signed (the root, or an
    /// Assertion directly under a Response root), at most one per element, and reference exactly that element.
    /// Anything else is how XSW attacks look.
    /// </summary>
    public static void CheckPlacement(XmlDocument document)
    {
        var root = document.DocumentElement!;
        foreach (var signature in document.GetElementsByTagName("Signature", SamlNames.DSig).OfType<XmlElement>().ToList())
        {
            if (signature.ParentNode is not XmlElement parent || !MaySign(parent, root))
            {
                throw new SamlValidationException(SamlReasons.SignatureWrapping,
                    $"a signature sits inside <{signature.ParentNode?.LocalName}>, which is not a signable element");
            }
            if (SafeXml.Children(parent, SamlNames.DSig, "Signature").Count() > 1)
            {
                throw new SamlValidationException(SamlReasons.SignatureWrapping, $"<{parent.LocalName}> has more than one signature");
            }
            var reference = SingleReference(signature);
            var uri = reference.GetAttributeNode("URI")?.Value;
            if (uri != "#" + parent.GetAttributeNode("ID")?.Value)
            {
                throw new SamlValidationException(SamlReasons.SignatureWrapping,
                    $"signature in <{parent.LocalName}> references \"{uri}\", not its own element");
            }
        }
    }

    private static bool MaySign(XmlElement parent, XmlElement root) =>
        parent == root
        || (parent.LocalName == "Assertion" && parent.NamespaceURI == SamlNames.Assertion
            && parent.ParentNode == root && root.LocalName == "Response" && root.NamespaceURI == SamlNames.Protocol);

    /// <summary>The element's own signature, or null. Placement has already been checked.</summary>
    public static XmlElement? SignatureOf(XmlElement element) => SafeXml.Children(element, SamlNames.DSig, "Signature").FirstOrDefault();

    /// <summary>Verifies <paramref name="signature"/> over <paramref name="signed"/> with the IdP's metadata keys only.</summary>
    public static void Verify(XmlElement signed, XmlElement signature, IdentityProvider idp) =>
        Verify(signed, signature, idp.SigningCertificates, idp.AllowSha1);

    /// <summary>
    /// The same rules with an explicit key list: a federation aggregate is verified with the federation's configured
    /// certificate, never with anything the document itself carries.
    /// </summary>
    public static void Verify(XmlElement signed, XmlElement signature, IReadOnlyList<X509Certificate2> keys, bool allowSha1)
    {
        CheckSignatureChildren(signature);
        var signedInfo = SingleSignedInfo(signature);
        CheckSignedInfoChildren(signedInfo);

        var canonicalizationMethod = AlgorithmElement(signedInfo, "CanonicalizationMethod");
        var canonicalization = canonicalizationMethod.GetAttribute("Algorithm");
        if (!AllowedCanonicalization.Contains(canonicalization))
        {
            throw new SamlValidationException(SamlReasons.SignatureTransform, $"canonicalization {canonicalization}");
        }

        var method = Algorithm(signedInfo, "SignatureMethod");
        if (!StrongSignatureMethods.Contains(method) && !(allowSha1 && method == SamlNames.RsaSha1))
        {
            throw new SamlValidationException(SamlReasons.SignatureAlgorithm, $"signature method {method}");
        }

        var reference = SingleReference(signature);
        var id = XmlIds.RequireId(signed);
        if (reference.GetAttributeNode("URI")?.Value != "#" + id)
        {
            throw new SamlValidationException(SamlReasons.SignatureWrapping, "reference does not name the signed element");
        }
        var exclusive = CheckTransforms(reference);

        var digest = Algorithm(reference, "DigestMethod");
        if (!StrongDigests.Contains(digest) && !(allowSha1 && digest == SamlNames.Sha1))
        {
            throw new SamlValidationException(SamlReasons.SignatureAlgorithm, $"digest method {digest}");
        }

        CheckEmbeddedCertificates(signature, keys);
        CheckDigest(signed, signature, reference, exclusive, digest);
        CheckSignatureValue(signedInfo, canonicalizationMethod, signature, method, keys);
    }

    // A certificate in the message is never used as a key; if one is there, it must be one the metadata has.
    private static void CheckEmbeddedCertificates(XmlElement signature, IReadOnlyList<X509Certificate2> keys)
    {
        foreach (var element in signature.GetElementsByTagName("X509Certificate", SamlNames.DSig).OfType<XmlElement>())
        {
            byte[] raw;
            try
            {
                raw = Convert.FromBase64String(SafeXml.ReadText(element));
            }
            catch (FormatException e)
            {
                throw new SamlValidationException(SamlReasons.SignatureCertificate, "embedded certificate is not base64", e);
            }
            if (!keys.Any(c => c.RawDataMemory.Span.SequenceEqual(raw)))
            {
                throw new SamlValidationException(SamlReasons.SignatureCertificate, "embedded certificate is not in the IdP's metadata");
            }
        }
    }

    // A same-document "#ID" reference drops comments before the transforms (XML-DSig 4.3.3.3), whichever C14N follows.
    private static void CheckDigest(XmlElement signed, XmlElement signature, XmlElement reference, XmlElement exclusive, string digestMethod)
    {
        var expected = Base64(SafeXml.RequiredChild(reference, SamlNames.DSig, "DigestValue"), "DigestValue");
        var actual = ExclusiveC14N.Hash(signed, signature, withComments: false, InclusivePrefixes(exclusive), HashOf(digestMethod));
        if (!CryptographicOperations.FixedTimeEquals(actual, expected))
        {
            throw new SamlValidationException(SamlReasons.SignatureInvalid, "the digest of the signed element does not match its reference");
        }
    }

    private static void CheckSignatureValue(XmlElement signedInfo, XmlElement canonicalizationMethod, XmlElement signature, string method, IReadOnlyList<X509Certificate2> keys)
    {
        var value = Base64(SafeXml.RequiredChild(signature, SamlNames.DSig, "SignatureValue"), "SignatureValue");
        var hash = ExclusiveC14N.Hash(signedInfo, excluded: null,
            withComments: canonicalizationMethod.GetAttribute("Algorithm") == SamlNames.ExcC14NWithComments,
            InclusivePrefixes(canonicalizationMethod), HashOf(method));
        var hashName = HashOf(method);
        var ecdsa = method.Contains("#ecdsa-", StringComparison.Ordinal);
        foreach (var certificate in keys)
        {
            var verified = KeyPool.WithPublicKey(certificate, key =>
            {
                try
                {
                    return key switch
                    {
                        RSA rsa when !ecdsa => rsa.VerifyHash(hash, value, hashName, RSASignaturePadding.Pkcs1),
                        // XML-DSig ECDSA values are r ‖ s (RFC 4051), which is .NET's default (IEEE P1363) format.
                        ECDsa ec when ecdsa => ec.VerifyHash(hash, value),
                        _ => false,
                    };
                }
                catch (CryptographicException)
                {
                    // Malformed values and key/algorithm mismatches fail like a wrong key: try the next, then reject.
                    return false;
                }
            });
            if (verified)
            {
                return;
            }
        }
        throw new SamlValidationException(SamlReasons.SignatureInvalid, "no metadata key verifies the signature");
    }

    private static HashAlgorithmName HashOf(string algorithm) => algorithm switch
    {
        SamlNames.Sha1 or SamlNames.RsaSha1 => HashAlgorithmName.SHA1,
        SamlNames.Sha256 or SamlNames.RsaSha256 or SamlNames.EcdsaSha256 => HashAlgorithmName.SHA256,
        SamlNames.Sha384 or SamlNames.RsaSha384 or SamlNames.EcdsaSha384 => HashAlgorithmName.SHA384,
        SamlNames.Sha512 or SamlNames.RsaSha512 or SamlNames.EcdsaSha512 => HashAlgorithmName.SHA512,
        _ => throw new SamlValidationException(SamlReasons.SignatureAlgorithm, algorithm),
    };

    private static byte[] Base64(XmlElement element, string name)
    {
        try
        {
            return Convert.FromBase64String(SafeXml.ReadText(element));
        }
        catch (FormatException e)
        {
            throw new SamlValidationException(SamlReasons.SignatureInvalid, $"{name} is not base64", e);
        }
    }
}
