using System.Xml;
using Portal.Features.SignIn.Saml;

namespace Portal.Tests.SignIn.Saml;

/// <summary>
/// The eight XML Signature Wrapping shapes of SAML Raider (XSW1–XSW8), applied to a finished, validly signed
/// response. In each, the signed original survives somewhere and an evil copy (with alice's NameID swapped for
/// "admin") sits where a careless SP would read.
/// </summary>
public static class XswMutations
{
    private const string EvilNameId = "admin";

    /// <summary>XSW1: evil Response with a new ID; the signed original Response is tucked inside its Signature.</summary>
    public static void Xsw1(XmlDocument document) => WrapResponse(document, insideSignature: true);

    /// <summary>XSW2: as XSW1, but the original Response is a sibling placed before the Signature (detached).</summary>
    public static void Xsw2(XmlDocument document) => WrapResponse(document, insideSignature: false);

    /// <summary>XSW3: an unsigned evil Assertion with a new ID inserted before the signed one.</summary>
    public static void Xsw3(XmlDocument document)
    {
        var original = ResponseScenario.Assertion(document);
        var evil = EvilCopy(original, keepSignature: false, newId: true);
        original.ParentNode!.InsertBefore(evil, original);
    }

    /// <summary>XSW4: the signed Assertion moved inside an unsigned evil Assertion with a new ID.</summary>
    public static void Xsw4(XmlDocument document)
    {
        var original = ResponseScenario.Assertion(document);
        var evil = EvilCopy(original, keepSignature: false, newId: true);
        original.ParentNode!.ReplaceChild(evil, original);
        evil.AppendChild(original);
    }

    /// <summary>XSW5: evil Assertion keeps the Signature and ID; an unsigned copy of the original goes to the end.</summary>
    public static void Xsw5(XmlDocument document)
    {
        var original = ResponseScenario.Assertion(document);
        var evil = EvilCopy(original, keepSignature: true, newId: false);
        var response = original.ParentNode!;
        response.ReplaceChild(evil, original);
        RemoveSignature(original);
        response.AppendChild(original);
    }

    /// <summary>XSW6: evil Assertion keeps the Signature and ID; the original (unsigned) hides inside that Signature.</summary>
    public static void Xsw6(XmlDocument document)
    {
        var original = ResponseScenario.Assertion(document);
        var evil = EvilCopy(original, keepSignature: true, newId: false);
        original.ParentNode!.ReplaceChild(evil, original);
        RemoveSignature(original);
        SignatureOf(evil).AppendChild(original);
    }

    /// <summary>XSW7: the signed original inside a new Extensions element; an unsigned evil copy is the Assertion.</summary>
    public static void Xsw7(XmlDocument document)
    {
        var original = ResponseScenario.Assertion(document);
        var evil = EvilCopy(original, keepSignature: false, newId: false);
        var response = (XmlElement)original.ParentNode!;
        response.ReplaceChild(evil, original);
        var extensions = document.CreateElement("samlp", "Extensions", SamlNames.Protocol);
        extensions.AppendChild(original);
        var status = ResponseScenario.Find(document, "Status");
        response.InsertBefore(extensions, status);
    }

    /// <summary>XSW8: evil Assertion keeps the Signature; the original (unsigned) sits in a ds:Object inside it.</summary>
    public static void Xsw8(XmlDocument document)
    {
        var original = ResponseScenario.Assertion(document);
        var evil = EvilCopy(original, keepSignature: true, newId: false);
        original.ParentNode!.ReplaceChild(evil, original);
        RemoveSignature(original);
        var holder = document.CreateElement("ds", "Object", SamlNames.DSig);
        holder.AppendChild(original);
        SignatureOf(evil).AppendChild(holder);
    }

    private static void WrapResponse(XmlDocument document, bool insideSignature)
    {
        var evil = document.DocumentElement!;
        var original = (XmlElement)evil.CloneNode(deep: true);
        RemoveSignature(original);
        evil.SetAttribute("ID", "_evil" + evil.GetAttribute("ID")[1..]);
        SwapNameId(evil);
        if (insideSignature)
        {
            SignatureOf(evil).AppendChild(original);
        }
        else
        {
            evil.InsertBefore(original, SignatureOf(evil));
        }
    }

    private static XmlElement EvilCopy(XmlElement original, bool keepSignature, bool newId)
    {
        var evil = (XmlElement)original.CloneNode(deep: true);
        if (!keepSignature)
        {
            RemoveSignature(evil);
        }
        if (newId)
        {
            evil.SetAttribute("ID", "_evil" + original.GetAttribute("ID")[1..]);
        }
        SwapNameId(evil);
        return evil;
    }

    private static void SwapNameId(XmlElement scope)
    {
        foreach (var nameId in scope.GetElementsByTagName("NameID", SamlNames.Assertion).OfType<XmlElement>())
        {
            nameId.InnerText = EvilNameId;
        }
        foreach (var value in scope.GetElementsByTagName("AttributeValue", SamlNames.Assertion).OfType<XmlElement>())
        {
            if (value.InnerText.StartsWith("alice", StringComparison.Ordinal))
            {
                value.InnerText = "admin@hospital.example.org";
            }
        }
    }

    private static XmlElement SignatureOf(XmlElement element) =>
        element.ChildNodes.OfType<XmlElement>().Single(e => e.LocalName == "Signature" && e.NamespaceURI == SamlNames.DSig);

    private static void RemoveSignature(XmlElement element)
    {
        foreach (var signature in element.ChildNodes.OfType<XmlElement>()
                     .Where(e => e.LocalName == "Signature" && e.NamespaceURI == SamlNames.DSig).ToList())
        {
            element.RemoveChild(signature);
        }
    }
}
