using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Xml;
using Portal.Features.SignIn.Saml;
using Portal.Tests.SignIn.Saml;

namespace Portal.Tests.SignIn.Federation;

/// <summary>One entity of a test aggregate. SP-only entities have no IDPSSODescriptor and must be skipped.</summary>
public sealed record TestEntity(string EntityId, string DisplayName, string Scope, X509Certificate2 Key, bool Hidden = false, bool SpOnly = false)
{
    public string SsoUrl => $"https://{Scope}/idp/profile/SAML2/Redirect/SSO";
}

/// <summary>
/// An eduGAIN-style aggregate written and signed the way a federation operator does it, with keys made at run time.
/// </summary>
public sealed class TestAggregate
{
    private static readonly Lazy<X509Certificate2> FederationSigning = new(() => TestKeys.Create("Federation signing"));
    private static readonly Lazy<X509Certificate2> GeneratedIdps = new(() => TestKeys.Create("Generated federation IdPs"));

    /// <summary>The federation's metadata signing key (its certificate is what the portal is configured with).</summary>
    public static X509Certificate2 FederationKey => FederationSigning.Value;

    /// <summary>The signing key all generated IdPs share (thousands of RSA keys would only slow the tests down).</summary>
    public static X509Certificate2 GeneratedIdpKey => GeneratedIdps.Value;

    public List<TestEntity> Entities { get; } = [];

    public DateTimeOffset? ValidUntil { get; set; }

    public string Id { get; set; } = "_fed" + Guid.NewGuid().ToString("N");

    /// <summary>
    /// <paramref name="count"/> IdPs "Institution 0001 …" with scope inst0001.example.org; every tenth hidden from
    /// discovery; plus a few SP entities the reader must skip.
    /// </summary>
    public static TestAggregate Generate(int count, DateTimeOffset validUntil)
    {
        var aggregate = new TestAggregate { ValidUntil = validUntil };
        var towns = new[] { "Aarhus", "Bologna", "Coimbra", "Dublin", "Edinburgh", "Freiburg", "Granada", "Helsinki", "Innsbruck", "Jena" };
        for (var i = 1; i <= count; i++)
        {
            var scope = $"inst{i:0000}.example.org";
            aggregate.Entities.Add(new TestEntity($"https://idp.{scope}/idp/shibboleth",
                $"Institution {i:0000} University of {towns[i % towns.Length]}", scope, GeneratedIdpKey, Hidden: i % 10 == 0));
        }
        for (var i = 1; i <= 5; i++)
        {
            aggregate.Entities.Add(new TestEntity($"https://sp{i}.example.net/shibboleth", $"Service {i}", $"sp{i}.example.net", GeneratedIdpKey, SpOnly: true));
        }
        return aggregate;
    }

    public static TestEntity Generated(int i) => new($"https://idp.inst{i:0000}.example.org/idp/shibboleth", "", $"inst{i:0000}.example.org", GeneratedIdpKey);

    public string UnsignedXml()
    {
        var xml = new StringBuilder();
        xml.Append(CultureInfo.InvariantCulture,
            $"<md:EntitiesDescriptor xmlns:md=\"{SamlNames.Metadata}\" xmlns:ds=\"{SamlNames.DSig}\" xmlns:shibmd=\"{SamlNames.Shibmd}\" xmlns:mdui=\"{SamlNames.Mdui}\" xmlns:mdattr=\"{SamlNames.Mdattr}\" xmlns:saml=\"{SamlNames.Assertion}\" ID=\"{Id}\" Name=\"urn:test:federation\"");
        if (ValidUntil is { } until)
        {
            xml.Append(CultureInfo.InvariantCulture, $" validUntil=\"{until.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}\"");
        }
        xml.Append(">\n");
        var certificates = new Dictionary<X509Certificate2, string>();
        foreach (var e in Entities)
        {
            if (!certificates.TryGetValue(e.Key, out var certificate))
            {
                certificate = certificates[e.Key] = Convert.ToBase64String(e.Key.RawData);
            }
            xml.Append(CultureInfo.InvariantCulture, $"<md:EntityDescriptor entityID=\"{e.EntityId}\">");
            if (e.Hidden)
            {
                xml.Append(CultureInfo.InvariantCulture,
                    $"<md:Extensions><mdattr:EntityAttributes><saml:Attribute Name=\"{SamlNames.EntityCategory}\" NameFormat=\"urn:oasis:names:tc:SAML:2.0:attrname-format:uri\"><saml:AttributeValue>{SamlNames.HideFromDiscovery}</saml:AttributeValue></saml:Attribute></mdattr:EntityAttributes></md:Extensions>");
            }
            if (e.SpOnly)
            {
                xml.Append(CultureInfo.InvariantCulture,
                    $"<md:SPSSODescriptor protocolSupportEnumeration=\"{SamlNames.Protocol}\"><md:AssertionConsumerService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\" Location=\"https://{e.Scope}/acs\" index=\"0\"/></md:SPSSODescriptor>");
            }
            else
            {
                xml.Append(CultureInfo.InvariantCulture,
                    $"<md:IDPSSODescriptor protocolSupportEnumeration=\"{SamlNames.Protocol}\"><md:Extensions><shibmd:Scope regexp=\"false\">{e.Scope}</shibmd:Scope><mdui:UIInfo><mdui:DisplayName xml:lang=\"en\">{e.DisplayName}</mdui:DisplayName></mdui:UIInfo></md:Extensions>")
                    .Append(CultureInfo.InvariantCulture,
                    $"<md:KeyDescriptor use=\"signing\"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{certificate}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>")
                    .Append(CultureInfo.InvariantCulture,
                    $"<md:SingleSignOnService Binding=\"{SamlNames.HttpRedirectBinding}\" Location=\"{e.SsoUrl}\"/></md:IDPSSODescriptor>");
            }
            xml.Append("</md:EntityDescriptor>\n");
        }
        xml.Append("</md:EntitiesDescriptor>");
        return xml.ToString();
    }

    /// <summary>The aggregate signed enveloped (RSA-SHA256, exc-C14N) by <paramref name="signer"/> (default: the federation key).</summary>
    public string SignedXml(X509Certificate2? signer = null)
    {
        var document = new XmlDocument { PreserveWhitespace = true };
        document.LoadXml(UnsignedXml());
        TestXmlSecurity.Sign(document.DocumentElement!, signer ?? FederationKey, null, SamlNames.RsaSha256, SamlNames.Sha256);
        return document.OuterXml;
    }

    public byte[] SignedBytes(X509Certificate2? signer = null) => Encoding.UTF8.GetBytes(SignedXml(signer));

    /// <summary>A folder of its own for one test's files (aggregate, certificate, cache).</summary>
    public static string NewFolder() => Directory.CreateTempSubdirectory("portal-test-aggregate-").FullName;

    public static string WriteFederationCertificate(string folder)
    {
        var path = Path.Combine(folder, "federation-signing.crt");
        File.WriteAllText(path, FederationKey.ExportCertificatePem());
        return path;
    }
}
