using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography.Xml;
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

    static SignatureChecks() => EcdsaSignatureDescription.Register();

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
        var signedInfo = SingleSignedInfo(signature);

        var canonicalization = Algorithm(signedInfo, "CanonicalizationMethod");
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
        CheckTransforms(reference);

        var digest = Algorithm(reference, "DigestMethod");
        if (!StrongDigests.Contains(digest) && !(allowSha1 && digest == SamlNames.Sha1))
        {
            throw new SamlValidationException(SamlReasons.SignatureAlgorithm, $"digest method {digest}");
        }

        CheckEmbeddedCertificates(signature, keys);
        CheckCryptography(signed, signature, id, keys);
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

    private static string Algorithm(XmlElement parent, string child)
    {
        var elements = SafeXml.Children(parent, SamlNames.DSig, child).ToList();
        if (elements.Count != 1)
        {
            throw new SamlValidationException(SamlReasons.SignatureReference, $"expected one {child}");
        }
        return elements[0].GetAttribute("Algorithm");
    }

    private static void CheckTransforms(XmlElement reference)
    {
        var transforms = SafeXml.Children(reference, SamlNames.DSig, "Transforms").ToList();
        if (transforms.Count > 1)
        {
            throw new SamlValidationException(SamlReasons.SignatureTransform, "more than one Transforms element");
        }
        if (transforms.Count == 0)
        {
            return;
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var child in SafeXml.ChildElements(transforms[0]))
        {
            var algorithm = child.GetAttribute("Algorithm");
            if (child.LocalName != "Transform" || child.NamespaceURI != SamlNames.DSig
                || !AllowedTransforms.Contains(algorithm) || !seen.Add(algorithm))
            {
                throw new SamlValidationException(SamlReasons.SignatureTransform, $"transform {algorithm}");
            }
            // Only exclusive C14N takes a parameter, and only its prefix list.
            if (SafeXml.ChildElements(child).Any(p => p.LocalName != "InclusiveNamespaces" || p.NamespaceURI != SamlNames.ExcC14N))
            {
                throw new SamlValidationException(SamlReasons.SignatureTransform, $"unexpected parameter in transform {algorithm}");
            }
        }
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

    private static void CheckCryptography(XmlElement signed, XmlElement signature, string id, IReadOnlyList<X509Certificate2> keys)
    {
        foreach (var certificate in keys)
        {
            var verified = KeyPool.WithPublicKey(certificate, key =>
            {
                try
                {
                    var signedXml = new ElementBoundSignedXml(signed, id);
                    signedXml.LoadXml(signature);
                    return signedXml.CheckSignature(key);
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

    /// <summary>Resolves the reference to the element the SP already chose, and to nothing else.</summary>
    private sealed class ElementBoundSignedXml : SignedXml
    {
        private readonly XmlElement _signed;
        private readonly string _id;

        public ElementBoundSignedXml(XmlElement signed, string id) : base(signed)
        {
            _signed = signed;
            _id = id;
        }

        public override XmlElement? GetIdElement(XmlDocument? document, string idValue) =>
            string.Equals(idValue, _id, StringComparison.Ordinal) ? _signed : null;
    }
}
