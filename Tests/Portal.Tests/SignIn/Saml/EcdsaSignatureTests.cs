using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography.Xml;
using System.Xml;
using Portal.Features.SignIn.Saml;

namespace Portal.Tests.SignIn.Saml;

/// <summary>ECDSA (RFC 4051) signatures: XML-DSig values are r ‖ s, verified with the metadata key only.</summary>
public class EcdsaSignatureTests
{
    private static readonly Lazy<X509Certificate2> EcCertificate = new(() =>
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=EC IdP", key, HashAlgorithmName.SHA256);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
    });

    // SignedXml signs RSA only here, so: let it compute the digest, then re-sign SignedInfo with ECDSA by hand.
    private static void ResignWithEcdsa(XmlDocument document, ECDsa key, string method)
    {
        var signedInfo = (XmlElement)document.GetElementsByTagName("SignedInfo", SamlNames.DSig)[0]!;
        ((XmlElement)signedInfo.GetElementsByTagName("SignatureMethod", SamlNames.DSig)[0]!).SetAttribute("Algorithm", method);
        var detached = new XmlDocument { PreserveWhitespace = true };
        detached.LoadXml(signedInfo.OuterXml);
        var c14n = new XmlDsigExcC14NTransform();
        c14n.LoadInput(detached);
        using var canonical = (Stream)c14n.GetOutput(typeof(Stream));
        using var buffer = new MemoryStream();
        canonical.CopyTo(buffer);
        var hash = method == SamlNames.EcdsaSha384 ? HashAlgorithmName.SHA384 : HashAlgorithmName.SHA256;
        var value = document.GetElementsByTagName("SignatureValue", SamlNames.DSig)[0]!;
        value.InnerText = Convert.ToBase64String(key.SignData(buffer.ToArray(), hash));
    }

    private static ResponseScenario Scenario(string method, X509Certificate2 metadataCertificate)
    {
        var scenario = new ResponseScenario { EmbeddedCertificate = null, IdpMetadataCertificate = metadataCertificate };
        scenario.AfterAssertionSigned.Add(d =>
        {
            using var key = EcCertificate.Value.GetECDsaPrivateKey()!;
            ResignWithEcdsa(d, key, method);
        });
        return scenario;
    }

    [Theory]
    [InlineData(SamlNames.EcdsaSha256)]
    [InlineData(SamlNames.EcdsaSha384)]
    public async Task ECDSA_signature_by_the_metadata_key_is_accepted(string method)
    {
        var result = await Scenario(method, EcCertificate.Value).ValidateAsync();
        Assert.True(result.Succeeded, $"{result.Failure?.Code}: {result.Failure?.Detail}");
    }

    [Fact]
    public async Task ECDSA_signature_when_metadata_has_an_RSA_key_is_rejected()
    {
        var result = await Scenario(SamlNames.EcdsaSha256, TestKeys.IdpSigning).ValidateAsync();
        Assert.Equal(SamlReasons.SignatureInvalid, result.Failure?.Code);
    }

    [Fact]
    public async Task ECDSA_signature_with_altered_content_is_rejected()
    {
        var scenario = Scenario(SamlNames.EcdsaSha256, EcCertificate.Value);
        scenario.Tamper.Add(d => ResponseScenario.Find(d, "NameID").InnerText = "admin");
        Assert.Equal(SamlReasons.SignatureInvalid, (await scenario.ValidateAsync()).Failure?.Code);
    }
}
