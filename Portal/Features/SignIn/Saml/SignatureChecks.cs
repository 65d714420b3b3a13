using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Xml;

namespace Portal.Features.SignIn.Saml;

/// <summary>
/// XML signature rules for SAML. Structural rules run before any cryptography, so a wrapped or odd signature is
/// rejected for what it is, and the cryptographic check is bound to the very element the SP later reads.
/// </summary>
internal static class SignatureChecks
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

    // Signature = SignedInfo, SignatureValue, optional KeyInfo, in that order and nothing else (no ds:Object to smuggle
    // content through); SignedInfo = CanonicalizationMethod, SignatureMethod, Reference.
    private static void CheckSignatureChildren(XmlElement signature) =>
        CheckChildren(signature, ["SignedInfo", "SignatureValue"], ["KeyInfo"]);

    private static void CheckSignedInfoChildren(XmlElement signedInfo) =>
        CheckChildren(signedInfo, ["CanonicalizationMethod", "SignatureMethod", "Reference"], []);

    private static void CheckChildren(XmlElement parent, string[] required, string[] optional)
    {
        var children = SafeXml.ChildElements(parent).ToList();
        var expected = required.Length;
        var ok = children.Count >= required.Length && children.Count <= required.Length + optional.Length;
        for (var i = 0; ok && i < children.Count; i++)
        {
            var name = i < expected ? required[i] : optional[i - expected];
            ok = children[i].LocalName == name && children[i].NamespaceURI == SamlNames.DSig;
        }
        if (!ok)
        {
            throw new SamlValidationException(SamlReasons.SignatureReference,
                $"<{parent.LocalName}> must hold {string.Join(", ", required.Concat(optional.Select(o => o + "?")))} in this order");
        }
    }

    private static XmlElement SingleSignedInfo(XmlElement signature)
    {
        var signedInfos = SafeXml.Children(signature, SamlNames.DSig, "SignedInfo").ToList();
        if (signedInfos.Count != 1 || signature.GetElementsByTagName("SignedInfo", SamlNames.DSig).Count != 1)
        {
            throw new SamlValidationException(SamlReasons.SignatureReference, "a signature needs exactly one SignedInfo");
        }
        return signedInfos[0];
    }

    private static XmlElement SingleReference(XmlElement signature)
    {
        var references = SafeXml.Children(SingleSignedInfo(signature), SamlNames.DSig, "Reference").ToList();
        if (references.Count != 1)
        {
            throw new SamlValidationException(SamlReasons.SignatureReference, $"{references.Count} references instead of one");
        }
        return references[0];
    }

    private static string Algorithm(XmlElement parent, string child) => AlgorithmElement(parent, child).GetAttribute("Algorithm");

    private static XmlElement AlgorithmElement(XmlElement parent, string child)
    {
        var elements = SafeXml.Children(parent, SamlNames.DSig, child).ToList();
        if (elements.Count != 1)
        {
            throw new SamlValidationException(SamlReasons.SignatureReference, $"expected one {child}");
        }
        return elements[0];
    }

    /// <summary>
    /// The only chain accepted: enveloped-signature, then exclusive C14N (optionally with an InclusiveNamespaces prefix
    /// list). Anything else is either a forbidden transform or a node-set left for inclusive C14N, which SAML signers
    /// do not produce. Returns the exclusive C14N transform element.
    /// </summary>
    private static XmlElement CheckTransforms(XmlElement reference)
    {
        var children = SafeXml.ChildElements(reference).ToList();
        if (children.Count != 3 || children[0].LocalName != "Transforms" || children[0].NamespaceURI != SamlNames.DSig
            || children[1].LocalName != "DigestMethod" || children[1].NamespaceURI != SamlNames.DSig
            || children[2].LocalName != "DigestValue" || children[2].NamespaceURI != SamlNames.DSig)
        {
            throw new SamlValidationException(SamlReasons.SignatureTransform, "a reference must hold Transforms, DigestMethod, DigestValue in this order");
        }
        var transforms = SafeXml.ChildElements(children[0]).ToList();
        foreach (var transform in transforms)
        {
            var algorithm = transform.GetAttribute("Algorithm");
            if (transform.LocalName != "Transform" || transform.NamespaceURI != SamlNames.DSig || !AllowedTransforms.Contains(algorithm))
            {
                throw new SamlValidationException(SamlReasons.SignatureTransform, $"transform {algorithm}");
            }
        }
        if (transforms.Count != 2 || transforms[0].GetAttribute("Algorithm") != SamlNames.EnvelopedTransform
            || transforms[1].GetAttribute("Algorithm") == SamlNames.EnvelopedTransform)
        {
            throw new SamlValidationException(SamlReasons.SignatureTransform,
                "transforms must be enveloped-signature, then exclusive C14N: " + string.Join(", ", transforms.Select(t => t.GetAttribute("Algorithm"))));
        }
        if (SafeXml.ChildElements(transforms[0]).Any())
        {
            throw new SamlValidationException(SamlReasons.SignatureTransform, "the enveloped-signature transform takes no parameter");
        }
        InclusivePrefixes(transforms[1]);
        return transforms[1];
    }

    /// <summary>The PrefixList of an exclusive C14N algorithm element: its only possible parameter.</summary>
    private static string[] InclusivePrefixes(XmlElement algorithm)
    {
        var parameters = SafeXml.ChildElements(algorithm).ToList();
        if (parameters.Count == 0)
        {
            return [];
        }
        if (parameters.Count > 1 || parameters[0].LocalName != "InclusiveNamespaces" || parameters[0].NamespaceURI != SamlNames.ExcC14N)
        {
            throw new SamlValidationException(SamlReasons.SignatureTransform, $"unexpected parameter in {algorithm.GetAttribute("Algorithm")}");
        }
        return parameters[0].GetAttribute("PrefixList").Split([' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries);
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
