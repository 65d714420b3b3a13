using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Xml;

namespace Portal.Features.SignIn.Saml;

/// <summary>
/// Exclusive XML Canonicalization 1.0 (https://www.w3.org/TR/xml-exc-c14n/) of one element subtree, written straight from
/// the DOM the SP reads its data from. The framework's SignedXml re-serializes the referenced element and parses the text
/// again before canonicalizing (the "one parser, one DOM" rule of the checklist forbids exactly that pattern between
/// checking and reading), and that round trip was nine tenths of the cost of validating a response.
/// Namespace nodes are taken from the DOM's resolved names (an element's or attribute's prefix and namespace URI), so a
/// prefix declared outside the subtree, or in the parser context of a decrypted assertion, is rendered where it is used.
/// </summary>
internal sealed class ExclusiveC14N
{
    private const string XmlnsNamespace = "http://www.w3.org/2000/xmlns/";
    private const string XmlNamespace = "http://www.w3.org/XML/1998/namespace";

    private readonly XmlNode? _excluded;
    private readonly bool _withComments;
    private readonly string[] _inclusivePrefixes;
    private readonly List<(string Prefix, string Uri)> _rendered = [(string.Empty, string.Empty)];
    private char[] _buffer = ArrayPool<char>.Shared.Rent(8192);
    private int _length;

    private ExclusiveC14N(XmlNode? excluded, bool withComments, string[] inclusivePrefixes)
    {
        _excluded = excluded;
        _withComments = withComments;
        _inclusivePrefixes = inclusivePrefixes;
    }

    /// <summary>
    /// Hashes the canonical form of <paramref name="apex"/> and its descendants, leaving out <paramref name="excluded"/> (the
    /// enveloped signature) with its subtree.
    /// </summary>
    /// <param name="inclusivePrefixes">The InclusiveNamespaces PrefixList, "#default" standing for the default namespace.</param>
    public static byte[] Hash(XmlElement apex, XmlNode? excluded, bool withComments, IReadOnlyCollection<string> inclusivePrefixes, HashAlgorithmName hash) =>
        Run(apex, excluded, withComments, inclusivePrefixes, w => w.HashOutput(hash));

    /// <summary>The canonical form as text (tests compare it with other implementations).</summary>
    public static string Canonicalize(XmlElement apex, XmlNode? excluded, bool withComments, IReadOnlyCollection<string> inclusivePrefixes) =>
        Run(apex, excluded, withComments, inclusivePrefixes, w => new string(w._buffer, 0, w._length));

    private static T Run<T>(XmlElement apex, XmlNode? excluded, bool withComments, IReadOnlyCollection<string> inclusivePrefixes, Func<ExclusiveC14N, T> result)
    {
        // "xml" is never declared in canonical output, whatever the prefix list says.
        var prefixes = inclusivePrefixes.Select(p => p == "#default" ? string.Empty : p).Where(p => p != "xml").Distinct(StringComparer.Ordinal).ToArray();
        var writer = new ExclusiveC14N(excluded, withComments, prefixes);
        try
        {
            writer.Element(apex);
            return result(writer);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(writer._buffer);
        }
    }

    private byte[] HashOutput(HashAlgorithmName hash)
    {
        var chars = _buffer.AsSpan(0, _length);
        var bytes = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(chars.Length));
        try
        {
            var count = Encoding.UTF8.GetBytes(chars, bytes);
            return CryptographicOperations.HashData(hash, bytes.AsSpan(0, count));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    private void Element(XmlElement element)
    {
        var mark = _rendered.Count;
        Append('<');
        Append(element.Name);

        // Namespace nodes first: the ones this element visibly utilizes, plus the inclusive prefixes in scope here, each
        // rendered only when the nearest output ancestor did not already render the same value.
        var namespaces = new List<(string Prefix, string Uri)>(2);
        Consider(namespaces, element.Prefix, element.NamespaceURI);
        List<XmlAttribute>? attributes = null;
        foreach (XmlAttribute attribute in element.Attributes)
        {
            if (attribute.NamespaceURI == XmlnsNamespace)
            {
                continue;
            }
            (attributes ??= new List<XmlAttribute>(element.Attributes.Count)).Add(attribute);
            if (attribute.Prefix.Length > 0 && attribute.NamespaceURI != XmlNamespace)
            {
                Consider(namespaces, attribute.Prefix, attribute.NamespaceURI);
            }
        }
        foreach (var prefix in _inclusivePrefixes)
        {
            if (InScope(element, prefix) is { } uri)
            {
                Consider(namespaces, prefix, uri);
            }
        }
        namespaces.Sort(static (a, b) => string.CompareOrdinal(a.Prefix, b.Prefix));
        foreach (var (prefix, uri) in namespaces)
        {
            Append(prefix.Length == 0 ? " xmlns=\"" : " xmlns:");
            if (prefix.Length > 0)
            {
                Append(prefix);
                Append("=\"");
            }
            AppendEscaped(uri, attribute: true);
            Append('"');
            _rendered.Add((prefix, uri));
        }

        if (attributes is not null)
        {
            attributes.Sort(static (a, b) =>
            {
                var byNamespace = string.CompareOrdinal(a.NamespaceURI, b.NamespaceURI);
                return byNamespace != 0 ? byNamespace : string.CompareOrdinal(a.LocalName, b.LocalName);
            });
            foreach (var attribute in attributes)
            {
                Append(' ');
                Append(attribute.Name);
                Append("=\"");
                AppendEscaped(attribute.Value, attribute: true);
                Append('"');
            }
        }
        Append('>');

        for (var child = element.FirstChild; child is not null; child = child.NextSibling)
        {
            if (ReferenceEquals(child, _excluded))
            {
                continue;
            }
            switch (child)
            {
                case XmlElement e:
                    Element(e);
                    break;
                case XmlText or XmlWhitespace or XmlSignificantWhitespace or XmlCDataSection:
                    AppendEscaped(child.Value!, attribute: false);
                    break;
                case XmlComment comment when _withComments:
                    Append("<!--");
                    Append(comment.Value!);
                    Append("-->");
                    break;
                case XmlProcessingInstruction instruction:
                    Append("<?");
                    Append(instruction.Target);
                    if (instruction.Data.Length > 0)
                    {
                        Append(' ');
                        Append(instruction.Data);
                    }
                    Append("?>");
                    break;
                case XmlComment:
                    break;
                default:
                    // Entity references cannot occur (no DTD is ever processed); anything else is not canonicalizable.
                    throw new SamlValidationException(SamlReasons.Malformed, $"unexpected {child.NodeType} node in a signed element");
            }
        }

        Append("</");
        Append(element.Name);
        Append('>');
        _rendered.RemoveRange(mark, _rendered.Count - mark);
    }

    private void Consider(List<(string Prefix, string Uri)> namespaces, string prefix, string uri)
    {
        foreach (var (p, _) in namespaces)
        {
            if (p == prefix)
            {
                return;
            }
        }
        if (RenderedValue(prefix) != uri)
        {
            namespaces.Add((prefix, uri));
        }
    }

    private string? RenderedValue(string prefix)
    {
        for (var i = _rendered.Count - 1; i >= 0; i--)
        {
            if (_rendered[i].Prefix == prefix)
            {
                return _rendered[i].Uri;
            }
        }
        return null;
    }

    // The namespace a prefix is bound to at this element by declarations (the empty default when none binds ""),
    // looking past the apex: the inclusive prefixes render the whole in-scope context, as inclusive C14N would.
    private static string? InScope(XmlElement element, string prefix)
    {
        for (XmlNode? node = element; node is XmlElement current; node = node.ParentNode)
        {
            if (current.Prefix == prefix)
            {
                return current.NamespaceURI;
            }
            foreach (XmlAttribute attribute in current.Attributes)
            {
                if (attribute.NamespaceURI == XmlnsNamespace
                    && (prefix.Length == 0 ? attribute.Prefix.Length == 0 : attribute.Prefix.Length > 0 && attribute.LocalName == prefix))
                {
                    return attribute.Value;
                }
            }
        }
        return prefix.Length == 0 ? string.Empty : null;
    }

    private void AppendEscaped(string value, bool attribute)
    {
        var start = 0;
        for (var i = 0; i < value.Length; i++)
        {
            var replacement = value[i] switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' when !attribute => "&gt;",
                '"' when attribute => "&quot;",
                '\t' when attribute => "&#x9;",
                '\n' when attribute => "&#xA;",
                '\r' => "&#xD;",
                _ => null,
            };
            if (replacement is null)
            {
                continue;
            }
            Append(value.AsSpan(start, i - start));
            Append(replacement);
            start = i + 1;
        }
        Append(value.AsSpan(start));
    }

    private void Append(char c)
    {
        Reserve(1);
        _buffer[_length++] = c;
    }

    private void Append(ReadOnlySpan<char> text)
    {
        Reserve(text.Length);
        text.CopyTo(_buffer.AsSpan(_length));
        _length += text.Length;
    }

    private void Reserve(int more)
    {
        if (_length + more <= _buffer.Length)
        {
            return;
        }
        var larger = ArrayPool<char>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + more));
        _buffer.AsSpan(0, _length).CopyTo(larger);
        ArrayPool<char>.Shared.Return(_buffer);
        _buffer = larger;
    }
}
