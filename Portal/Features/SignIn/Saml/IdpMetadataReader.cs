using System.Security.Cryptography.X509Certificates;
using System.Xml;

namespace Portal.Features.SignIn.Saml;

/// <summary>
/// Reads IdPs from SAML metadata. A single <c>EntityDescriptor</c> file is trusted because the operator put it there;
/// an <c>EntitiesDescriptor</c> aggregate must first pass a signature and validUntil check (a later step), which is
/// why the entity reader is separate from the document reader.
/// </summary>
public static class IdpMetadataReader
{
    /// <summary>Reads a single-entity metadata document (the operator's own trusted file).</summary>
    public static IdentityProvider ReadEntityDescriptor(string xml)
    {
        var root = SafeXml.LoadTrusted(xml).DocumentElement
            ?? throw new InvalidDataException("metadata is empty");
        if (root.LocalName != "EntityDescriptor" || root.NamespaceURI != SamlNames.Metadata)
        {
            throw new InvalidDataException($"expected md:EntityDescriptor, found {root.Name}");
        }
        return ReadEntity(root) ?? throw new InvalidDataException("the entity has no SAML 2.0 IDPSSODescriptor");
    }

    /// <summary>Reads one entity; null when it is not a SAML 2.0 IdP (aggregates mix SPs and IdPs).</summary>
    public static IdentityProvider? ReadEntity(XmlElement entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        var entityId = entity.GetAttribute("entityID");
        if (entityId.Length == 0)
        {
            throw new InvalidDataException("EntityDescriptor lacks entityID");
        }
        var idp = Elements(entity, SamlNames.Metadata, "IDPSSODescriptor")
            .FirstOrDefault(d => d.GetAttribute("protocolSupportEnumeration")
                .Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(SamlNames.Protocol));
        if (idp is null)
        {
            return null;
        }

        var certificates = new List<X509Certificate2>();
        foreach (var key in Elements(idp, SamlNames.Metadata, "KeyDescriptor"))
        {
            var use = key.GetAttribute("use");
            if (use.Length > 0 && use != "signing")
            {
                continue;
            }
            foreach (var certificate in key.GetElementsByTagName("X509Certificate", SamlNames.DSig).OfType<XmlElement>())
            {
                var raw = Convert.FromBase64String(certificate.InnerText.Trim());
                certificates.Add(X509CertificateLoader.LoadCertificate(raw));
            }
        }
        if (certificates.Count == 0)
        {
            throw new InvalidDataException($"{entityId} has no signing certificate in its metadata");
        }

        var extensions = Elements(idp, SamlNames.Metadata, "Extensions").FirstOrDefault();
        var scopes = extensions is null
            ? []
            : Elements(extensions, SamlNames.Shibmd, "Scope")
                .Select(s => new IdpScope(s.InnerText.Trim(), s.GetAttribute("regexp") is "true" or "1"))
                .Where(s => s.Value.Length > 0)
                .ToList();

        return new IdentityProvider
        {
            EntityId = entityId,
            SigningCertificates = certificates,
            SingleSignOnServices = Endpoints(idp, "SingleSignOnService"),
            SingleLogoutServices = Endpoints(idp, "SingleLogoutService"),
            Scopes = scopes,
            DisplayName = DisplayName(entity, extensions),
            HideFromDiscovery = HasEntityCategory(entity, SamlNames.HideFromDiscovery),
            WantAuthnRequestsSigned = idp.GetAttribute("WantAuthnRequestsSigned") is "true" or "1",
        };
    }

    private static List<SamlEndpoint> Endpoints(XmlElement descriptor, string name) =>
        Elements(descriptor, SamlNames.Metadata, name)
            .Select(e => new SamlEndpoint(e.GetAttribute("Binding"), e.GetAttribute("Location")))
            .Where(e => e.Location.Length > 0)
            .ToList();

    private static string? DisplayName(XmlElement entity, XmlElement? idpExtensions)
    {
        var uiNames = idpExtensions is null
            ? []
            : idpExtensions.GetElementsByTagName("DisplayName", SamlNames.Mdui).OfType<XmlElement>().ToList();
        var preferred = uiNames.FirstOrDefault(n => n.GetAttribute("xml:lang") == "en") ?? uiNames.FirstOrDefault();
        if (preferred is not null)
        {
            return preferred.InnerText.Trim();
        }
        var organization = Elements(entity, SamlNames.Metadata, "Organization").FirstOrDefault();
        var orgNames = organization is null
            ? []
            : Elements(organization, SamlNames.Metadata, "OrganizationDisplayName").ToList();
        return (orgNames.FirstOrDefault(n => n.GetAttribute("xml:lang") == "en") ?? orgNames.FirstOrDefault())
            ?.InnerText.Trim();
    }

    private static bool HasEntityCategory(XmlElement entity, string category)
    {
        var extensions = Elements(entity, SamlNames.Metadata, "Extensions").FirstOrDefault();
        if (extensions is null)
        {
            return false;
        }
        return extensions.GetElementsByTagName("Attribute", SamlNames.Assertion).OfType<XmlElement>()
            .Where(a => a.GetAttribute("Name") == SamlNames.EntityCategory)
            .SelectMany(a => a.GetElementsByTagName("AttributeValue", SamlNames.Assertion).OfType<XmlElement>())
            .Any(v => v.InnerText.Trim() == category);
    }

    private static IEnumerable<XmlElement> Elements(XmlElement parent, string ns, string localName) =>
        SafeXml.Children(parent, ns, localName);
}
