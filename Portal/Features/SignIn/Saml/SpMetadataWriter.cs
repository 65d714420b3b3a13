using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Xml;

namespace Portal.Features.SignIn.Saml;

/// <summary>An attribute the SP asks IdPs to release, by its URI name.</summary>
public sealed record AttributeRequest(string Name, string FriendlyName, bool IsRequired);

/// <summary>
/// Writes this SP's metadata: what IdPs (and federation operators) need to trust and encrypt to it, including the
/// encryption methods it can decrypt, so a Shibboleth IdP picks GCM and SimpleSAMLphp CBC.
/// </summary>
public static class SpMetadataWriter
{
    public static readonly IReadOnlyList<AttributeRequest> DefaultRequestedAttributes =
    [
        new(AttributeMapper.PairwiseId, "pairwise-id", false),
        new(AttributeMapper.SubjectId, "subject-id", false),
        new(AttributeMapper.EduPersonPrincipalName, "eduPersonPrincipalName", false),
        new(AttributeMapper.DisplayName, "displayName", true),
        new(AttributeMapper.Mail, "mail", true),
        new(AttributeMapper.SchacHomeOrganization, "schacHomeOrganization", false),
        new(AttributeMapper.EduPersonScopedAffiliation, "eduPersonScopedAffiliation", false),
        new(AttributeMapper.EduPersonEntitlement, "eduPersonEntitlement", false),
    ];

    /// <summary>Supported data encryption, strongest first; GCM before CBC because CBC has no integrity of its own.</summary>
    public static readonly IReadOnlyList<string> DataEncryptionMethods =
        [SamlNames.Aes256Gcm, SamlNames.Aes128Gcm, SamlNames.Aes256Cbc, SamlNames.Aes128Cbc];

    public static readonly IReadOnlyList<string> KeyTransportMethods = [SamlNames.RsaOaep, SamlNames.RsaOaepMgf1P];

    public static string Write(SamlServiceProviderOptions sp, string serviceName, IReadOnlyList<AttributeRequest>? requested = null)
    {
        ArgumentNullException.ThrowIfNull(sp);
        requested ??= DefaultRequestedAttributes;
        var text = new StringBuilder();
        var settings = new XmlWriterSettings { Indent = true, OmitXmlDeclaration = false, Encoding = new UTF8Encoding(false) };
        using (var w = XmlWriter.Create(text, settings))
        {
            w.WriteStartElement("md", "EntityDescriptor", SamlNames.Metadata);
            w.WriteAttributeString("xmlns", "ds", null, SamlNames.DSig);
            w.WriteAttributeString("entityID", sp.EntityId);
            w.WriteStartElement("md", "SPSSODescriptor", SamlNames.Metadata);
            w.WriteAttributeString("protocolSupportEnumeration", SamlNames.Protocol);
            w.WriteAttributeString("AuthnRequestsSigned", sp.SigningCertificate is null ? "false" : "true");
            w.WriteAttributeString("WantAssertionsSigned", "true");

            // Where an external discovery service (SAML IdP Discovery protocol) may send the chosen entityID back;
            // services such as SeamlessAccess only return to a location the SP's metadata declares.
            w.WriteStartElement("md", "Extensions", SamlNames.Metadata);
            w.WriteStartElement("idpdisc", "DiscoveryResponse", SamlNames.IdpDiscovery);
            w.WriteAttributeString("Binding", SamlNames.IdpDiscovery);
            w.WriteAttributeString("Location", new Uri(new Uri(sp.AcsUrl), "/saml/login").AbsoluteUri);
            w.WriteAttributeString("index", "0");
            w.WriteEndElement();
            w.WriteEndElement();

            if (sp.SigningCertificate is { } signing)
            {
                WriteKey(w, "signing", signing, []);
            }
            if (sp.EncryptionCertificates.Count > 0)
            {
                WriteKey(w, "encryption", sp.EncryptionCertificates[0], [.. DataEncryptionMethods, .. KeyTransportMethods]);
            }
            if (sp.SingleLogoutUrl is { } slo)
            {
                w.WriteStartElement("md", "SingleLogoutService", SamlNames.Metadata);
                w.WriteAttributeString("Binding", SamlNames.HttpRedirectBinding);
                w.WriteAttributeString("Location", slo);
                w.WriteEndElement();
            }
            w.WriteStartElement("md", "AssertionConsumerService", SamlNames.Metadata);
            w.WriteAttributeString("Binding", SamlNames.HttpPostBinding);
            w.WriteAttributeString("Location", sp.AcsUrl);
            w.WriteAttributeString("index", "0");
            w.WriteAttributeString("isDefault", "true");
            w.WriteEndElement();

            w.WriteStartElement("md", "AttributeConsumingService", SamlNames.Metadata);
            w.WriteAttributeString("index", "0");
            w.WriteStartElement("md", "ServiceName", SamlNames.Metadata);
            w.WriteAttributeString("xml", "lang", null, "en");
            w.WriteString(serviceName);
            w.WriteEndElement();
            foreach (var attribute in requested)
            {
                w.WriteStartElement("md", "RequestedAttribute", SamlNames.Metadata);
                w.WriteAttributeString("Name", attribute.Name);
                w.WriteAttributeString("NameFormat", SamlNames.UriNameFormat);
                w.WriteAttributeString("FriendlyName", attribute.FriendlyName);
                w.WriteAttributeString("isRequired", attribute.IsRequired ? "true" : "false");
                w.WriteEndElement();
            }
            w.WriteEndElement();
            w.WriteEndElement();
            w.WriteEndElement();
        }
        return text.ToString().Replace("encoding=\"utf-16\"", "encoding=\"utf-8\"", StringComparison.Ordinal);
    }

    private static void WriteKey(XmlWriter w, string use, X509Certificate2 certificate, IReadOnlyList<string> methods)
    {
        w.WriteStartElement("md", "KeyDescriptor", SamlNames.Metadata);
        w.WriteAttributeString("use", use);
        w.WriteStartElement("ds", "KeyInfo", SamlNames.DSig);
        w.WriteStartElement("ds", "X509Data", SamlNames.DSig);
        w.WriteElementString("ds", "X509Certificate", SamlNames.DSig, Convert.ToBase64String(certificate.RawData));
        w.WriteEndElement();
        w.WriteEndElement();
        foreach (var method in methods)
        {
            w.WriteStartElement("md", "EncryptionMethod", SamlNames.Metadata);
            w.WriteAttributeString("Algorithm", method);
            w.WriteEndElement();
        }
        w.WriteEndElement();
    }
}
