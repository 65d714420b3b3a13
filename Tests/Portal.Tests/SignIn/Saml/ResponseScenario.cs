using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Xml;
using Microsoft.Extensions.Time.Testing;
using Portal.Features.SignIn.Saml;

namespace Portal.Tests.SignIn.Saml;

/// <summary>
/// One fully valid, signed SAML response (what the hospital IdP sends for alice), with knobs and hooks so that each
/// test changes exactly one thing. Reusable by the ACS endpoint tests: <see cref="Build"/> gives the POST fields,
/// <see cref="IdpMetadataXml"/> and <see cref="SpOptions"/> the configuration to run the portal with.
/// </summary>
public sealed class ResponseScenario
{
    public static readonly DateTimeOffset Now = new(2026, 3, 2, 9, 30, 0, TimeSpan.Zero);
    public const string SpEntityId = "https://portal.example.org/saml/metadata";
    public const string AcsUrl = "https://portal.example.org/saml/acs";
    public const string IdpEntityId = "https://idp.hospital.example.org/idp/shibboleth";
    public const string OtherIdpEntityId = "https://idp.university.example.edu/idp/shibboleth";
    public const string RequestId = "_9a3f0c5e2b7d4e6f8a1b2c3d4e5f6a7b";
    public const string ResponseId = "_r7c1e0a9b8d7c6b5a4f3e2d1c0b9a8f7";
    public const string AssertionId = "_a4d2f1e0c9b8a7f6e5d4c3b2a1f0e9d8";
    public const string RelayStateKey = "b64rs-Q2xpbmljYWxEYXRh";

    public FakeTimeProvider Clock { get; } = new(Now);

    /// <summary>When the IdP issued the response; the portal tests set it to the portal's clock.</summary>
    public DateTimeOffset Instant { get; set; } = Now;

    /// <summary>Fresh per sign-in in portal tests: the replay cache remembers every assertion ID.</summary>
    public string ResponseIdValue { get; set; } = ResponseId;

    public string AssertionIdValue { get; set; } = AssertionId;

    // What the IdP writes ------------------------------------------------------------------------------------------

    public string? InResponseTo { get; set; } = RequestId;
    public string? Destination { get; set; } = AcsUrl;
    public string? ResponseIssuer { get; set; } = IdpEntityId;
    public string AssertionIssuer { get; set; } = IdpEntityId;
    public string StatusCode { get; set; } = SamlNames.StatusSuccess;
    public string NameId { get; set; } = "3f7b1c2a-persistent-alice";
    public string NameIdFormat { get; set; } = SamlNames.PersistentNameId;
    public string Audience { get; set; } = SpEntityId;
    public string Recipient { get; set; } = AcsUrl;
    public DateTimeOffset NotBefore { get; set; } = Now.AddSeconds(-30);
    public DateTimeOffset NotOnOrAfter { get; set; } = Now.AddMinutes(5);
    public DateTimeOffset ConfirmationNotOnOrAfter { get; set; } = Now.AddMinutes(5);

    public List<(string Name, string[] Values)> Attributes { get; } =
    [
        (AttributeMapper.SubjectId, ["alice-4711@hospital.example.org"]),
        (AttributeMapper.EduPersonPrincipalName, ["alice@hospital.example.org"]),
        (AttributeMapper.DisplayName, ["Alice Owner"]),
        (AttributeMapper.Mail, ["alice@hospital.example.org"]),
        (AttributeMapper.SchacHomeOrganization, ["hospital.example.org"]),
        (AttributeMapper.EduPersonScopedAffiliation, ["staff@hospital.example.org", "member@hospital.example.org"]),
        (AttributeMapper.EduPersonEntitlement, ["urn:mace:example.org:portal:data-owner"]),
    ];

    // How the IdP protects it --------------------------------------------------------------------------------------

    public bool SignAssertion { get; set; } = true;
    public bool SignResponse { get; set; }
    public X509Certificate2 SigningCertificate { get; set; } = TestKeys.IdpSigning;
    public X509Certificate2? EmbeddedCertificate { get; set; } = TestKeys.IdpSigning;
    public string SignatureMethod { get; set; } = SamlNames.RsaSha256;
    public string DigestMethod { get; set; } = SamlNames.Sha256;
    public AssertionEncryption Encryption { get; set; } = AssertionEncryption.None;
    public X509Certificate2 EncryptFor { get; set; } = TestKeys.SpEncryption;

    /// <summary>Edits of the DOM before anything is signed (the IdP itself wrote this).</summary>
    public List<Action<XmlDocument>> BeforeSigning { get; } = [];

    /// <summary>Edits after the assertion is signed, before encryption and the Response signature.</summary>
    public List<Action<XmlDocument>> AfterAssertionSigned { get; } = [];

    /// <summary>Edits of the finished message: what an attacker in the browser can do.</summary>
    public List<Action<XmlDocument>> Tamper { get; } = [];

    /// <summary>Edits of the serialised XML text (for what a DOM cannot hold, like a DOCTYPE).</summary>
    public List<Func<string, string>> TamperText { get; } = [];

    // What the SP side has -----------------------------------------------------------------------------------------

    public PendingAuthnRequest? Pending { get; set; } =
        new(RequestId, IdpEntityId, "/datasets/42", Now.AddSeconds(-40), RelayStateKey);

    public string? RelayState { get; set; } = RelayStateKey;

    /// <summary>Submit the same message twice; the second submission is the one judged.</summary>
    public bool SubmitTwice { get; set; }

    public bool AllowIdpInitiated { get; set; }

    public bool IdpAllowsSha1 { get; set; }

    public IReadOnlyList<X509Certificate2> SpDecryptionKeys { get; set; } = [TestKeys.SpEncryption];

    public IReadOnlyList<IdpScope> IdpScopes { get; set; } = [new("hospital.example.org", false)];

    /// <summary>The signing certificate the hospital IdP's metadata publishes.</summary>
    public X509Certificate2 IdpMetadataCertificate { get; set; } = TestKeys.IdpSigning;

    /// <summary>
    /// A valid answer from <paramref name="idpEntityId"/> to a request the portal at <paramref name="baseUrl"/> sent
    /// at <paramref name="issuedAt"/>: the portal's URLs, fresh IDs (the replay cache remembers them), the IdP's key.
    /// The caller sets the attributes.
    /// </summary>
    public static ResponseScenario Answering(string baseUrl, string idpEntityId, X509Certificate2 idpKey,
        string requestId, string relayState, DateTimeOffset issuedAt) => new()
        {
            Instant = issuedAt,
            NotBefore = issuedAt.AddSeconds(-30),
            NotOnOrAfter = issuedAt.AddMinutes(5),
            ConfirmationNotOnOrAfter = issuedAt.AddMinutes(5),
            ResponseIdValue = "_r" + Guid.NewGuid().ToString("N"),
            AssertionIdValue = "_a" + Guid.NewGuid().ToString("N"),
            InResponseTo = requestId,
            Destination = baseUrl + "/saml/acs",
            Recipient = baseUrl + "/saml/acs",
            Audience = baseUrl + "/saml/metadata",
            ResponseIssuer = idpEntityId,
            AssertionIssuer = idpEntityId,
            SigningCertificate = idpKey,
            EmbeddedCertificate = idpKey,
            RelayState = relayState,
        };

    /// <summary>Makes the response unsolicited (IdP-initiated): no InResponseTo anywhere, no pending request.</summary>
    public ResponseScenario Unsolicited()
    {
        InResponseTo = null;
        Pending = null;
        return this;
    }

    public SamlServiceProviderOptions SpOptions() => new()
    {
        EntityId = SpEntityId,
        AcsUrl = AcsUrl,
        SingleLogoutUrl = "https://portal.example.org/saml/logout",
        SigningCertificate = TestKeys.SpSigning,
        EncryptionCertificates = SpDecryptionKeys,
        AllowIdpInitiated = AllowIdpInitiated,
    };

    public string IdpMetadataXml(string entityId = IdpEntityId, X509Certificate2? certificate = null) => $"""
        <md:EntityDescriptor xmlns:md="{SamlNames.Metadata}" xmlns:ds="{SamlNames.DSig}" xmlns:shibmd="{SamlNames.Shibmd}" xmlns:mdui="{SamlNames.Mdui}" entityID="{entityId}">
          <md:IDPSSODescriptor protocolSupportEnumeration="{SamlNames.Protocol}">
            <md:Extensions>
              {string.Concat(IdpScopes.Select(s => $"<shibmd:Scope regexp=\"{(s.IsRegex ? "true" : "false")}\">{s.Value}</shibmd:Scope>"))}
              <mdui:UIInfo><mdui:DisplayName xml:lang="en">Example Hospital</mdui:DisplayName></mdui:UIInfo>
            </md:Extensions>
            <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{Convert.ToBase64String((certificate ?? TestKeys.IdpSigning).RawData)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
            <md:SingleLogoutService Binding="{SamlNames.HttpRedirectBinding}" Location="https://idp.hospital.example.org/idp/profile/SAML2/Redirect/SLO"/>
            <md:SingleSignOnService Binding="{SamlNames.HttpRedirectBinding}" Location="https://idp.hospital.example.org/idp/profile/SAML2/Redirect/SSO"/>
          </md:IDPSSODescriptor>
        </md:EntityDescriptor>
        """;

    public IdentityProviderDirectory Directory() => new(
    [
        IdpMetadataReader.ReadEntityDescriptor(IdpMetadataXml(IdpEntityId, IdpMetadataCertificate)) with { AllowSha1 = IdpAllowsSha1 },
        IdpMetadataReader.ReadEntityDescriptor(IdpMetadataXml(OtherIdpEntityId, TestKeys.OtherIdpSigning)),
    ]);

    public SamlResponseValidator CreateValidator(ISamlReplayCache? replayCache = null) =>
        new(SpOptions(), Directory(), replayCache ?? new InMemorySamlReplayCache(Clock), Clock);

    /// <summary>Validates the built message the way the ACS endpoint does.</summary>
    public async Task<SamlValidationResult> ValidateAsync()
    {
        var validator = CreateValidator();
        var posted = Build();
        if (SubmitTwice)
        {
            await validator.ValidateAsync(posted, RelayState, Pending);
        }
        return await validator.ValidateAsync(posted, RelayState, Pending);
    }

    /// <summary>The base64 SAMLResponse form field.</summary>
    public string Build() => Convert.ToBase64String(Encoding.UTF8.GetBytes(BuildXml()));

    public string BuildXml()
    {
        var document = new XmlDocument { PreserveWhitespace = true };
        document.LoadXml(UnsignedXml());
        BeforeSigning.ForEach(edit => edit(document));
        if (SignAssertion)
        {
            TestXmlSecurity.Sign(Assertion(document), SigningCertificate, EmbeddedCertificate, SignatureMethod, DigestMethod);
        }
        AfterAssertionSigned.ForEach(edit => edit(document));
        if (Encryption != AssertionEncryption.None)
        {
            TestXmlSecurity.Encrypt(Assertion(document), EncryptFor, Encryption);
        }
        if (SignResponse)
        {
            TestXmlSecurity.Sign(document.DocumentElement!, SigningCertificate, EmbeddedCertificate, SignatureMethod, DigestMethod);
        }
        Tamper.ForEach(edit => edit(document));
        var xml = document.OuterXml;
        return TamperText.Aggregate(xml, (text, edit) => edit(text));
    }

    public static XmlElement Assertion(XmlDocument document) =>
        (XmlElement)document.GetElementsByTagName("Assertion", SamlNames.Assertion)[0]!;

    /// <summary>The first element with this local name in the SAML namespaces.</summary>
    public static XmlElement Find(XmlDocument document, string localName) =>
        (XmlElement?)document.GetElementsByTagName(localName, SamlNames.Assertion)[0]
        ?? (XmlElement)document.GetElementsByTagName(localName, SamlNames.Protocol)[0]!;

    private static string Time(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private string UnsignedXml()
    {
        static string Attr(string name, string? value) => value is null ? "" : $" {name}=\"{value}\"";
        var attributes = string.Concat(Attributes.Select(a =>
            $"<saml:Attribute Name=\"{a.Name}\" NameFormat=\"{SamlNames.UriNameFormat}\">"
            + string.Concat(a.Values.Select(v => $"<saml:AttributeValue xsi:type=\"xs:string\">{v}</saml:AttributeValue>"))
            + "</saml:Attribute>"));
        return $"""
            <samlp:Response xmlns:samlp="{SamlNames.Protocol}" xmlns:saml="{SamlNames.Assertion}" ID="{ResponseIdValue}" Version="2.0" IssueInstant="{Time(Instant.AddSeconds(-2))}"{Attr("Destination", Destination)}{Attr("InResponseTo", InResponseTo)}>
              <saml:Issuer>{ResponseIssuer}</saml:Issuer>
              <samlp:Status><samlp:StatusCode Value="{StatusCode}"/></samlp:Status>
              <saml:Assertion xmlns:saml="{SamlNames.Assertion}" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ID="{AssertionIdValue}" Version="2.0" IssueInstant="{Time(Instant.AddSeconds(-2))}">
                <saml:Issuer>{AssertionIssuer}</saml:Issuer>
                <saml:Subject>
                  <saml:NameID Format="{NameIdFormat}" NameQualifier="{IdpEntityId}" SPNameQualifier="{SpEntityId}">{NameId}</saml:NameID>
                  <saml:SubjectConfirmation Method="{SamlNames.BearerMethod}">
                    <saml:SubjectConfirmationData NotOnOrAfter="{Time(ConfirmationNotOnOrAfter)}" Recipient="{Recipient}"{Attr("InResponseTo", InResponseTo)}/>
                  </saml:SubjectConfirmation>
                </saml:Subject>
                <saml:Conditions NotBefore="{Time(NotBefore)}" NotOnOrAfter="{Time(NotOnOrAfter)}">
                  <saml:AudienceRestriction><saml:Audience>{Audience}</saml:Audience></saml:AudienceRestriction>
                </saml:Conditions>
                <saml:AuthnStatement AuthnInstant="{Time(Instant.AddSeconds(-5))}" SessionNotOnOrAfter="{Time(Instant.AddHours(8))}" SessionIndex="_s1e2s3s4i5o6n7">
                  <saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext>
                </saml:AuthnStatement>
                <saml:AttributeStatement>{attributes}</saml:AttributeStatement>
              </saml:Assertion>
            </samlp:Response>
            """;
    }
}
