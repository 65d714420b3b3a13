using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Xml;

namespace Portal.Features.SignIn.Saml;

/// <summary>The shape a signature must have: its children in order, one SignedInfo and Reference, the algorithms named, and the only transform chain accepted.</summary>
internal static partial class SignatureChecks
{
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
}
