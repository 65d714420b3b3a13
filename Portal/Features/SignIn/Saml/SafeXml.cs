using System.Globalization;
using System.Text;
using System.Xml;

namespace Portal.Features.SignIn.Saml;

/// <summary>
/// The one way SAML XML enters a DOM here. Whitespace and comments are kept because the signature was computed over
/// them; DTDs and external resolution are impossible (XXE, billion laughs).
/// </summary>
public static class SafeXml
{
    /// <summary>
    /// SAML messages and metadata nest about ten levels deep. Canonicalization walks the tree recursively, so a message
    /// of tens of thousands of nested elements (which fits the size cap) would otherwise exhaust a thread's stack and take
    /// the whole process down before any signature is checked.
    /// </summary>
    internal const int MaxDepth = 64;

    private static XmlReaderSettings Settings(XmlNameTable? names = null) => new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = false,
        IgnoreWhitespace = false,
        IgnoreProcessingInstructions = false,
        MaxCharactersFromEntities = 0,
        CloseInput = false,
        NameTable = names,
    };

    /// <summary>Parses a whole document, mapping every failure to a stable reason.</summary>
    internal static XmlDocument Load(byte[] xml)
    {
        var document = NewDocument();
        try
        {
            using var stream = new MemoryStream(xml, writable: false);
            using var reader = XmlReader.Create(stream, Settings(document.NameTable));
            document.Load(reader);
        }
        catch (XmlException e)
        {
            throw new SamlValidationException(ContainsDoctype(xml) ? SamlReasons.Doctype : SamlReasons.Malformed, e.Message, e);
        }
        if (document.DocumentType is not null)
        {
            throw new SamlValidationException(SamlReasons.Doctype);
        }
        CheckDepth(document);
        return document;
    }

    /// <summary>Parses configuration XML (metadata); failures are configuration errors, not sign-in failures.</summary>
    public static XmlDocument LoadTrusted(string xml)
    {
        ArgumentNullException.ThrowIfNull(xml);
        var document = NewDocument();
        using var reader = XmlReader.Create(new StringReader(xml), Settings(document.NameTable));
        document.Load(reader);
        CheckDepth(document);
        return document;
    }

    /// <summary>
    /// Parses decrypted plaintext in the namespace context of the element it replaces, so that prefixes declared on
    /// the enclosing Response still resolve, as they would for the IdP that encrypted it.
    /// </summary>
    internal static XmlDocument LoadFragment(byte[] xml, XmlElement context)
    {
        var document = NewDocument();
        var manager = new XmlNamespaceManager(document.NameTable);
        foreach (var (prefix, uri) in NamespacesInScope(context))
        {
            manager.AddNamespace(prefix, uri);
        }
        var parserContext = new XmlParserContext(document.NameTable, manager, null, XmlSpace.None);
        try
        {
            var text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(xml);
            using var reader = XmlReader.Create(new StringReader(text), Settings(document.NameTable), parserContext);
            document.Load(reader);
        }
        catch (Exception e) when (e is XmlException or DecoderFallbackException)
        {
            throw new SamlValidationException(SamlReasons.Decryption, "decrypted content is not well-formed XML", e);
        }
        if (document.DocumentType is not null)
        {
            throw new SamlValidationException(SamlReasons.Doctype);
        }
        CheckDepth(document);
        return document;
    }

    /// <summary>Refuses nesting deeper than <see cref="MaxDepth"/>, walking the tree without recursion.</summary>
    internal static void CheckDepth(XmlDocument document)
    {
        XmlNode? node = document.DocumentElement;
        var depth = 1;
        while (node is not null)
        {
            if (depth > MaxDepth)
            {
                throw new SamlValidationException(SamlReasons.Structure, $"elements are nested deeper than {MaxDepth} levels");
            }
            if (node.FirstChild is { } child)
            {
                node = child;
                depth++;
                continue;
            }
            while (node is not null && node.NextSibling is null)
            {
                node = node.ParentNode;
                depth--;
                if (node is XmlDocument)
                {
                    node = null;
                }
            }
            node = node?.NextSibling;
        }
    }

    private static XmlDocument NewDocument() => new() { PreserveWhitespace = true, XmlResolver = null };

    private static IEnumerable<(string Prefix, string Uri)> NamespacesInScope(XmlElement element)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (XmlNode? node = element; node is XmlElement current; node = node.ParentNode)
        {
            foreach (XmlAttribute attribute in current.Attributes)
            {
                if (attribute.NamespaceURI != "http://www.w3.org/2000/xmlns/")
                {
                    continue;
                }
                var prefix = attribute.Prefix.Length == 0 ? string.Empty : attribute.LocalName;
                if (seen.Add(prefix))
                {
                    yield return (prefix, attribute.Value);
                }
            }
        }
    }

    // Only used to name the failure precisely; the parser has already refused the document either way.
    private static bool ContainsDoctype(byte[] xml)
    {
        foreach (var encoding in new Encoding[] { Encoding.UTF8, Encoding.Unicode, Encoding.BigEndianUnicode })
        {
            if (encoding.GetString(xml).Contains("<!DOCTYPE", StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Reads the text of a simple-content element. A comment or processing instruction inside the value is refused
    /// (CVE-2017-11427 family); element content is refused too, because such a value has no single string meaning.
    /// </summary>
    internal static string ReadText(XmlElement element)
    {
        if (element.ChildNodes.Count == 1 && element.FirstChild is XmlText only)
        {
            return only.Value ?? string.Empty;
        }
        var text = new StringBuilder();
        foreach (XmlNode child in element.ChildNodes)
        {
            switch (child.NodeType)
            {
                case XmlNodeType.Text:
                case XmlNodeType.CDATA:
                case XmlNodeType.Whitespace:
                case XmlNodeType.SignificantWhitespace:
                    text.Append(child.Value);
                    break;
                case XmlNodeType.Comment:
                case XmlNodeType.ProcessingInstruction:
                    throw new SamlValidationException(SamlReasons.TextComment, $"in <{element.LocalName}>");
                default:
                    throw new SamlValidationException(SamlReasons.Structure, $"<{element.LocalName}> must hold text only");
            }
        }
        return text.ToString();
    }

    /// <summary>True when the element holds nothing but text; used to skip complex attribute values.</summary>
    internal static bool HasOnlyTextOrComments(XmlElement element)
    {
        foreach (XmlNode child in element.ChildNodes)
        {
            if (child.NodeType is XmlNodeType.Element)
            {
                return false;
            }
        }
        return true;
    }

    internal static XmlElement? Child(XmlElement parent, string ns, string localName)
    {
        XmlElement? found = null;
        foreach (XmlNode node in parent.ChildNodes)
        {
            if (node is XmlElement e && e.LocalName == localName && e.NamespaceURI == ns)
            {
                if (found is not null)
                {
                    throw new SamlValidationException(SamlReasons.Structure, $"more than one <{localName}> in <{parent.LocalName}>");
                }
                found = e;
            }
        }
        return found;
    }

    internal static XmlElement RequiredChild(XmlElement parent, string ns, string localName) =>
        Child(parent, ns, localName)
        ?? throw new SamlValidationException(SamlReasons.Structure, $"<{parent.LocalName}> lacks <{localName}>");

    internal static IEnumerable<XmlElement> Children(XmlElement parent, string ns, string localName)
    {
        foreach (XmlNode node in parent.ChildNodes)
        {
            if (node is XmlElement e && e.LocalName == localName && e.NamespaceURI == ns)
            {
                yield return e;
            }
        }
    }

    internal static IEnumerable<XmlElement> ChildElements(XmlElement parent)
    {
        foreach (XmlNode node in parent.ChildNodes)
        {
            if (node is XmlElement e)
            {
                yield return e;
            }
        }
    }

    internal static string? Attribute(XmlElement element, string name) =>
        element.GetAttributeNode(name) is { } attribute ? attribute.Value : null;

    /// <summary>SAML times are xs:dateTime in UTC; a value without a zone is ambiguous and refused.</summary>
    internal static DateTimeOffset? Instant(XmlElement element, string name)
    {
        var raw = Attribute(element, name);
        if (raw is null)
        {
            return null;
        }
        if (!(raw.EndsWith('Z') || raw.Contains('+', StringComparison.Ordinal) || raw.LastIndexOf('-') > 10)
            || !DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value))
        {
            throw new SamlValidationException(SamlReasons.Structure, $"{name}=\"{raw}\" is not a UTC dateTime");
        }
        return value;
    }
}
