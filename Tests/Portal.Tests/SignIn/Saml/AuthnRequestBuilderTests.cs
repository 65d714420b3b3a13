using System.IO.Compression;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Xml;
using Portal.Features.SignIn.Saml;

namespace Portal.Tests.SignIn.Saml;

public class AuthnRequestBuilderTests
{
    private static readonly IdentityProvider Idp = new ResponseScenario().Directory().Find(ResponseScenario.IdpEntityId)!;

    private static (AuthnRequestRedirect Redirect, Dictionary<string, string> Query, XmlElement Request) Build(string? returnPath = "/datasets/42")
    {
        var scenario = new ResponseScenario();
        var redirect = new AuthnRequestBuilder(scenario.SpOptions(), scenario.Clock).Build(Idp, returnPath);
        var uri = new Uri(redirect.Url);
        var query = uri.Query.TrimStart('?').Split('&').Select(p => p.Split('=', 2))
            .ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1]));
        using var inflate = new DeflateStream(new MemoryStream(Convert.FromBase64String(query["SAMLRequest"])), CompressionMode.Decompress);
        using var reader = new StreamReader(inflate, Encoding.UTF8);
        var request = SafeXml.LoadTrusted(reader.ReadToEnd()).DocumentElement!;
        return (redirect, query, request);
    }

    [Fact]
    public void Request_goes_to_the_IdP_redirect_endpoint_and_asks_for_POST_to_the_ACS()
    {
        var (redirect, _, request) = Build();
        Assert.StartsWith("https://idp.hospital.example.org/idp/profile/SAML2/Redirect/SSO?SAMLRequest=", redirect.Url, StringComparison.Ordinal);
        Assert.Equal(("AuthnRequest", SamlNames.Protocol), (request.LocalName, request.NamespaceURI));
        Assert.Equal(ResponseScenario.AcsUrl, request.GetAttribute("AssertionConsumerServiceURL"));
        Assert.Equal(SamlNames.HttpPostBinding, request.GetAttribute("ProtocolBinding"));
        Assert.Equal(Idp.RedirectSsoUrl, request.GetAttribute("Destination"));
        Assert.Equal("2026-03-02T09:30:00Z", request.GetAttribute("IssueInstant"));
        Assert.Equal(ResponseScenario.SpEntityId, request.GetElementsByTagName("Issuer", SamlNames.Assertion)[0]!.InnerText);
    }

    [Fact]
    public void Pending_request_binds_ID_IdP_return_path_and_an_opaque_RelayState()
    {
        var (redirect, query, request) = Build();
        var pending = redirect.Pending;
        Assert.Equal(request.GetAttribute("ID"), pending.Id);
        XmlConvert.VerifyNCName(pending.Id);
        Assert.Equal(ResponseScenario.IdpEntityId, pending.IdpEntityId);
        Assert.Equal("/datasets/42", pending.ReturnPath);
        Assert.Equal(ResponseScenario.Now, pending.CreatedAt);
        Assert.Equal(pending.RelayState, query["RelayState"]);
        Assert.DoesNotContain("datasets", pending.RelayState, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_request_has_a_fresh_ID_and_RelayState()
    {
        var a = Build().Redirect.Pending;
        var b = Build().Redirect.Pending;
        Assert.NotEqual(a.Id, b.Id);
        Assert.NotEqual(a.RelayState, b.RelayState);
    }

    [Fact]
    public void Unsafe_return_path_becomes_home()
    {
        Assert.Equal("/", Build("//evil.example.com").Redirect.Pending.ReturnPath);
    }

    [Fact]
    public void Query_string_is_signed_with_the_SP_key()
    {
        var (redirect, query, _) = Build();
        Assert.Equal(SamlNames.RsaSha256, query["SigAlg"]);
        var raw = new Uri(redirect.Url).Query.TrimStart('?');
        var signed = raw[..raw.IndexOf("&Signature=", StringComparison.Ordinal)];
        using var key = TestKeys.SpSigning.GetRSAPublicKey()!;
        Assert.True(key.VerifyData(Encoding.UTF8.GetBytes(signed), Convert.FromBase64String(query["Signature"]),
            HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }
}
