using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography.Xml;
using System.Text;
using System.Text.Json;
using System.Xml;
using Portal.Features.SignIn.Saml;

namespace Portal.Benchmarks.Saml;

/// <summary>
/// A realistic signed response (RSA-2048, SHA-256, seven attributes), plain and with the assertion encrypted
/// (AES-256-GCM, RSA-OAEP), plus everything a second SP implementation needs to validate the very same bytes.
/// </summary>
public sealed class BenchmarkResponses
{
    public const string SpEntityId = "https://portal.example.org/saml/metadata";
    public const string AcsUrl = "https://portal.example.org/saml/acs";
    public const string IdpEntityId = "https://idp.hospital.example.org/idp/shibboleth";
    public const string RequestId = "_bench0123456789abcdef0123456789abcdef";

    public BenchmarkResponses()
    {
        IssuedAt = DateTimeOffset.UtcNow;
        IdpCertificate = SelfSigned("Benchmark IdP");
        SpEncryption = SelfSigned("Benchmark SP encryption");
        Plain = Build(encrypt: false);
        Encrypted = Build(encrypt: true);
    }

    public DateTimeOffset IssuedAt { get; }

    public X509Certificate2 IdpCertificate { get; }

    public X509Certificate2 SpEncryption { get; }

    public string Plain { get; }

    public string Encrypted { get; }

    public PendingAuthnRequest Pending => new(RequestId, IdpEntityId, "/", IssuedAt, "bench");

    public SamlServiceProviderOptions SpOptions => new()
    {
        EntityId = SpEntityId,
        AcsUrl = AcsUrl,
        EncryptionCertificates = [SpEncryption],
        // The pending request is reused on every iteration; only its age matters here.
        PendingRequestLifetime = TimeSpan.FromDays(1),
    };

    public IdentityProvider Idp => new()
    {
        EntityId = IdpEntityId,
        SigningCertificates = [IdpCertificate],
        Scopes = [new IdpScope("hospital.example.org", false)],
    };

    /// <summary>Writes the responses, certificates, SP key and settings for the node-saml comparison.</summary>
    public void WriteTo(string folder)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "plain.b64"), Plain);
        File.WriteAllText(Path.Combine(folder, "encrypted.b64"), Encrypted);
        File.WriteAllText(Path.Combine(folder, "idp-cert.pem"), IdpCertificate.ExportCertificatePem());
        using var key = SpEncryption.GetRSAPrivateKey()!;
        File.WriteAllText(Path.Combine(folder, "sp-key.pem"), key.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(Path.Combine(folder, "settings.json"), JsonSerializer.Serialize(new
        {
            spEntityId = SpEntityId,
            acsUrl = AcsUrl,
            idpEntityId = IdpEntityId,
            requestId = RequestId,
            issuedAt = IssuedAt.ToString("O", CultureInfo.InvariantCulture),
        }));
    }

    private static X509Certificate2 SelfSigned(string name)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
    }

    private string Build(bool encrypt)
    {
        var document = new XmlDocument { PreserveWhitespace = true };
        document.LoadXml(Xml());
        var assertion = (XmlElement)document.GetElementsByTagName("Assertion", SamlNames.Assertion)[0]!;
        Sign(assertion);
        if (encrypt)
        {
            Encrypt(assertion);
        }
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(document.OuterXml));
    }

    private void Sign(XmlElement element)
    {
        var signedXml = new SignedXml(element) { SigningKey = IdpCertificate.GetRSAPrivateKey() };
        signedXml.SignedInfo!.CanonicalizationMethod = SamlNames.ExcC14N;
        signedXml.SignedInfo.SignatureMethod = SamlNames.RsaSha256;
        var reference = new Reference("#" + element.GetAttribute("ID")) { DigestMethod = SamlNames.Sha256 };
        reference.AddTransform(new XmlDsigEnvelopedSignatureTransform());
        reference.AddTransform(new XmlDsigExcC14NTransform());
        signedXml.AddReference(reference);
        var keyInfo = new KeyInfo();
        keyInfo.AddClause(new KeyInfoX509Data(IdpCertificate));
        signedXml.KeyInfo = keyInfo;
        signedXml.ComputeSignature();
        var issuer = element.GetElementsByTagName("Issuer", SamlNames.Assertion)[0]!;
        element.InsertAfter(element.OwnerDocument.ImportNode(signedXml.GetXml(), true), issuer);
    }

    private void Encrypt(XmlElement assertion)
    {
        var plaintext = Encoding.UTF8.GetBytes(assertion.OuterXml);
        var key = RandomNumberGenerator.GetBytes(32);
        var nonce = RandomNumberGenerator.GetBytes(12);
        var body = new byte[plaintext.Length];
        var tag = new byte[16];
        using (var gcm = new AesGcm(key, 16))
        {
            gcm.Encrypt(nonce, plaintext, body, tag);
        }
        using var rsa = SpEncryption.GetRSAPublicKey()!;
        var wrapped = rsa.Encrypt(key, RSAEncryptionPadding.OaepSHA1);
        var xml = $"""<saml:EncryptedAssertion xmlns:saml="{SamlNames.Assertion}"><xenc:EncryptedData xmlns:xenc="{SamlNames.XEnc}" Type="{SamlNames.EncryptedElementType}"><xenc:EncryptionMethod Algorithm="{SamlNames.Aes256Gcm}"/><ds:KeyInfo xmlns:ds="{SamlNames.DSig}"><xenc:EncryptedKey><xenc:EncryptionMethod Algorithm="{SamlNames.RsaOaepMgf1P}"><ds:DigestMethod Algorithm="{SamlNames.Sha1}"/></xenc:EncryptionMethod><xenc:CipherData><xenc:CipherValue>{Convert.ToBase64String(wrapped)}</xenc:CipherValue></xenc:CipherData></xenc:EncryptedKey></ds:KeyInfo><xenc:CipherData><xenc:CipherValue>{Convert.ToBase64String([.. nonce, .. body, .. tag])}</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData></saml:EncryptedAssertion>""";
        var fragment = new XmlDocument { PreserveWhitespace = true };
        fragment.LoadXml(xml);
        assertion.ParentNode!.ReplaceChild(assertion.OwnerDocument.ImportNode(fragment.DocumentElement!, true), assertion);
    }

    private string Xml()
    {
        string T(TimeSpan offset) => (IssuedAt + offset).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        (string Name, string Value)[] attributes =
        [
            ("urn:oasis:names:tc:SAML:attribute:subject-id", "5d1c0a77e2@hospital.example.org"),
            ("urn:oid:1.3.6.1.4.1.5923.1.1.1.6", "alice@hospital.example.org"),
            ("urn:oid:2.16.840.1.113730.3.1.241", "Alice Owner"),
            ("urn:oid:0.9.2342.19200300.100.1.3", "alice@hospital.example.org"),
            ("urn:oid:1.3.6.1.4.1.25178.1.2.9", "hospital.example.org"),
            ("urn:oid:1.3.6.1.4.1.5923.1.1.1.9", "staff@hospital.example.org"),
            ("urn:oid:1.3.6.1.4.1.5923.1.1.1.7", "urn:mace:example.org:portal:data-owner"),
        ];
        var statements = string.Concat(attributes.Select(a =>
            $"""<saml:Attribute Name="{a.Name}" NameFormat="{SamlNames.UriNameFormat}"><saml:AttributeValue xsi:type="xs:string">{a.Value}</saml:AttributeValue></saml:Attribute>"""));
        var day = TimeSpan.FromDays(1);
        return $"""<samlp:Response xmlns:samlp="{SamlNames.Protocol}" xmlns:saml="{SamlNames.Assertion}" ID="_bench-response-1" Version="2.0" IssueInstant="{T(TimeSpan.Zero)}" Destination="{AcsUrl}" InResponseTo="{RequestId}"><saml:Issuer>{IdpEntityId}</saml:Issuer><samlp:Status><samlp:StatusCode Value="{SamlNames.StatusSuccess}"/></samlp:Status><saml:Assertion xmlns:saml="{SamlNames.Assertion}" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ID="_bench-assertion-1" Version="2.0" IssueInstant="{T(TimeSpan.Zero)}"><saml:Issuer>{IdpEntityId}</saml:Issuer><saml:Subject><saml:NameID Format="{SamlNames.TransientNameId}">_t0f1e2d3c4b5a6</saml:NameID><saml:SubjectConfirmation Method="{SamlNames.BearerMethod}"><saml:SubjectConfirmationData NotOnOrAfter="{T(day)}" Recipient="{AcsUrl}" InResponseTo="{RequestId}"/></saml:SubjectConfirmation></saml:Subject><saml:Conditions NotBefore="{T(TimeSpan.FromMinutes(-1))}" NotOnOrAfter="{T(day)}"><saml:AudienceRestriction><saml:Audience>{SpEntityId}</saml:Audience></saml:AudienceRestriction></saml:Conditions><saml:AuthnStatement AuthnInstant="{T(TimeSpan.Zero)}" SessionIndex="_s1"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement><saml:AttributeStatement>{statements}</saml:AttributeStatement></saml:Assertion></samlp:Response>""";
    }
}
