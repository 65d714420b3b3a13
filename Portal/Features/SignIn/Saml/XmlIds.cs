using System.Xml;

namespace Portal.Features.SignIn.Saml;

/// <summary>
/// ID rules that keep a signature bound to one element: the SP resolves IDs itself, and no two elements may share
/// one, not even in a different letter case or under a differently spelled attribute (Id, id, xml:id).
/// </summary>
internal static class XmlIds
{
    public static void EnsureUnique(XmlDocument document)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var element in document.GetElementsByTagName("*").OfType<XmlElement>())
        {
            foreach (XmlAttribute attribute in element.Attributes)
            {
                if (attribute.LocalName.Equals("id", StringComparison.OrdinalIgnoreCase) && !seen.Add(attribute.Value))
                {
                    throw new SamlValidationException(SamlReasons.IdDuplicate, $"ID \"{attribute.Value}\" occurs more than once");
                }
            }
        }
    }

    /// <summary>The element's <c>ID</c> attribute: present, spelt exactly so, and a valid NCName.</summary>
    public static string RequireId(XmlElement element)
    {
        var id = element.GetAttributeNode("ID")?.Value;
        if (string.IsNullOrEmpty(id))
        {
            throw new SamlValidationException(SamlReasons.IdInvalid, $"<{element.LocalName}> lacks an ID attribute");
        }
        try
        {
            XmlConvert.VerifyNCName(id);
        }
        catch (XmlException e)
        {
            throw new SamlValidationException(SamlReasons.IdInvalid, $"ID \"{id}\" is not an NCName", e);
        }
        return id;
    }
}
