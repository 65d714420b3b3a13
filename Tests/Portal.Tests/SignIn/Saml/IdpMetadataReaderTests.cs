using System.Xml;
using Portal.Features.SignIn.Saml;

namespace Portal.Tests.SignIn.Saml;

public class IdpMetadataReaderTests
{
    private static string Cert(System.Security.Cryptography.X509Certificates.X509Certificate2 c) => Convert.ToBase64String(c.RawData);

    private static readonly string Metadata = $"""
        <md:EntityDescriptor xmlns:md="{SamlNames.Metadata}" xmlns:ds="{SamlNames.DSig}" xmlns:shibmd="{SamlNames.Shibmd}"
            xmlns:mdui="{SamlNames.Mdui}" xmlns:mdattr="{SamlNames.Mdattr}" xmlns:saml="{SamlNames.Assertion}" entityID="https://idp.example.org/idp">
          <md:Extensions>
            <mdattr:EntityAttributes>
              <saml:Attribute Name="{SamlNames.EntityCategory}"><saml:AttributeValue>{SamlNames.HideFromDiscovery}</saml:AttributeValue></saml:Attribute>
            </mdattr:EntityAttributes>
          </md:Extensions>
          <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:1.1:protocol {SamlNames.Protocol}" WantAuthnRequestsSigned="true">
            <md:Extensions>
              <shibmd:Scope regexp="false">example.org</shibmd:Scope>
              <shibmd:Scope regexp="true">^.+\.example\.org$</shibmd:Scope>
              <mdui:UIInfo><mdui:DisplayName xml:lang="de">Beispiel</mdui:DisplayName><mdui:DisplayName xml:lang="en">Example</mdui:DisplayName></mdui:UIInfo>
            </md:Extensions>
            <md:KeyDescriptor><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{Cert(TestKeys.IdpSigning)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
            <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>
              {Cert(TestKeys.OtherIdpSigning)}
            </ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
            <md:KeyDescriptor use="encryption"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{Cert(TestKeys.Attacker)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
            <md:SingleLogoutService Binding="{SamlNames.HttpRedirectBinding}" Location="https://idp.example.org/slo"/>
            <md:SingleSignOnService Binding="{SamlNames.HttpPostBinding}" Location="https://idp.example.org/sso/post"/>
            <md:SingleSignOnService Binding="{SamlNames.HttpRedirectBinding}" Location="https://idp.example.org/sso/redirect"/>
          </md:IDPSSODescriptor>
        </md:EntityDescriptor>
        """;

    [Fact]
    public void Reads_everything_the_SP_needs()
    {
        var idp = IdpMetadataReader.ReadEntityDescriptor(Metadata);

        Assert.Equal("https://idp.example.org/idp", idp.EntityId);
        Assert.Equal("https://idp.example.org/sso/redirect", idp.RedirectSsoUrl);
        Assert.Equal("https://idp.example.org/slo", idp.RedirectSloUrl);
        Assert.Equal([new IdpScope("example.org", false), new IdpScope(@"^.+\.example\.org$", true)], idp.Scopes);
        Assert.Equal("Example", idp.DisplayName);
        Assert.True(idp.HideFromDiscovery);
        Assert.True(idp.WantAuthnRequestsSigned);
        Assert.False(idp.AllowSha1);
        // A KeyDescriptor without "use" serves both purposes; an encryption-only key never verifies signatures.
        Assert.Equal([TestKeys.IdpSigning.Thumbprint, TestKeys.OtherIdpSigning.Thumbprint], idp.SigningCertificates.Select(c => c.Thumbprint));
    }

    [Fact]
    public void Organization_name_is_the_fallback_display_name_and_discovery_is_the_default()
    {
        var idp = IdpMetadataReader.ReadEntityDescriptor(new ResponseScenario().IdpMetadataXml()
            .Replace("<mdui:UIInfo><mdui:DisplayName xml:lang=\"en\">Example Hospital</mdui:DisplayName></mdui:UIInfo>", "", StringComparison.Ordinal)
            .Replace("</md:IDPSSODescriptor>", "</md:IDPSSODescriptor><md:Organization><md:OrganizationName xml:lang=\"en\">H</md:OrganizationName><md:OrganizationDisplayName xml:lang=\"en\">Hospital Org</md:OrganizationDisplayName><md:OrganizationURL xml:lang=\"en\">https://h</md:OrganizationURL></md:Organization>", StringComparison.Ordinal));
        Assert.Equal("Hospital Org", idp.DisplayName);
        Assert.False(idp.HideFromDiscovery);
    }

    [Fact]
    public void Metadata_with_a_DOCTYPE_is_refused()
    {
        Assert.Throws<XmlException>(() => IdpMetadataReader.ReadEntityDescriptor("<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>" + Metadata));
    }

    [Fact]
    public void IdP_without_signing_certificate_is_a_configuration_error()
    {
        var withoutKeys = new ResponseScenario().IdpMetadataXml().Replace("use=\"signing\"", "use=\"encryption\"", StringComparison.Ordinal);
        Assert.Throws<InvalidDataException>(() => IdpMetadataReader.ReadEntityDescriptor(withoutKeys));
    }

    [Fact]
    public void Aggregate_is_not_accepted_as_a_single_entity_file()
    {
        var aggregate = $"<md:EntitiesDescriptor xmlns:md=\"{SamlNames.Metadata}\">{Metadata}</md:EntitiesDescriptor>";
        Assert.Throws<InvalidDataException>(() => IdpMetadataReader.ReadEntityDescriptor(aggregate));
    }

    [Fact]
    public void SP_entity_is_not_an_IdP()
    {
        var sp = SpMetadataWriter.Write(new ResponseScenario().SpOptions(), "Portal");
        Assert.Throws<InvalidDataException>(() => IdpMetadataReader.ReadEntityDescriptor(sp));
    }
}
