using System.Xml;
using Portal.Features.SignIn.Saml;

namespace Portal.Tests.SignIn.Saml;

public class SpMetadataWriterTests
{
    private static (XmlDocument Document, XmlNamespaceManager Ns) Written()
    {
        var document = SafeXml.LoadTrusted(SpMetadataWriter.Write(new ResponseScenario().SpOptions(), "Research data portal"));
        var ns = new XmlNamespaceManager(document.NameTable);
        ns.AddNamespace("md", SamlNames.Metadata);
        ns.AddNamespace("ds", SamlNames.DSig);
        return (document, ns);
    }

    [Fact]
    public void Publishes_entity_endpoints_and_flags()
    {
        var (d, ns) = Written();
        Assert.Equal(ResponseScenario.SpEntityId, d.DocumentElement!.GetAttribute("entityID"));
        var sp = (XmlElement)d.SelectSingleNode("/md:EntityDescriptor/md:SPSSODescriptor", ns)!;
        Assert.Equal("true", sp.GetAttribute("AuthnRequestsSigned"));
        Assert.Equal("true", sp.GetAttribute("WantAssertionsSigned"));
        var acs = (XmlElement)sp.SelectSingleNode("md:AssertionConsumerService", ns)!;
        Assert.Equal((SamlNames.HttpPostBinding, ResponseScenario.AcsUrl), (acs.GetAttribute("Binding"), acs.GetAttribute("Location")));
        var slo = (XmlElement)sp.SelectSingleNode("md:SingleLogoutService", ns)!;
        Assert.Equal("https://portal.example.org/saml/logout", slo.GetAttribute("Location"));
    }

    [Fact]
    public void Publishes_both_keys_and_the_encryption_methods_it_decrypts()
    {
        var (d, ns) = Written();
        string Cert(string use) => d.SelectSingleNode($"//md:KeyDescriptor[@use='{use}']//ds:X509Certificate", ns)!.InnerText;
        Assert.Equal(Convert.ToBase64String(TestKeys.SpSigning.RawData), Cert("signing"));
        Assert.Equal(Convert.ToBase64String(TestKeys.SpEncryption.RawData), Cert("encryption"));
        var methods = d.SelectNodes("//md:KeyDescriptor[@use='encryption']/md:EncryptionMethod/@Algorithm", ns)!
            .Cast<XmlAttribute>().Select(a => a.Value).ToList();
        Assert.Equal([SamlNames.Aes256Gcm, SamlNames.Aes128Gcm, SamlNames.Aes256Cbc, SamlNames.Aes128Cbc, SamlNames.RsaOaep, SamlNames.RsaOaepMgf1P], methods);
        Assert.Empty(d.SelectNodes("//md:KeyDescriptor[@use='signing']/md:EncryptionMethod", ns)!);
    }

    [Fact]
    public void Requests_the_research_attributes_by_URI_name()
    {
        var (d, ns) = Written();
        var requested = d.SelectNodes("//md:AttributeConsumingService/md:RequestedAttribute", ns)!.Cast<XmlElement>().ToList();
        Assert.Contains(requested, r => r.GetAttribute("Name") == AttributeMapper.EduPersonPrincipalName && r.GetAttribute("FriendlyName") == "eduPersonPrincipalName");
        Assert.Contains(requested, r => r.GetAttribute("Name") == AttributeMapper.SubjectId);
        Assert.Contains(requested, r => r.GetAttribute("Name") == AttributeMapper.PairwiseId);
        Assert.All(requested, r => Assert.Equal(SamlNames.UriNameFormat, r.GetAttribute("NameFormat")));
        Assert.Equal("Research data portal", d.SelectSingleNode("//md:ServiceName", ns)!.InnerText);
    }
}
