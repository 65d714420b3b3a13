using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Web;
using Microsoft.Extensions.Time.Testing;
using Portal.Features.SignIn.Saml;
using Portal.Features.SignIn.Sessions;
using Portal.Tests.SignIn.Saml;

namespace Portal.Tests.SignIn.Saml;

/// <summary>What /saml/slo believes: only signed messages of a trusted IdP, addressed to this SP, answering its own request.</summary>
public sealed class SamlLogoutValidationTests
{
    private const string SloUrl = "https://portal.example.org/saml/slo";
    private const string IdpSlo = "https://idp.hospital.example.org/idp/profile/SAML2/Redirect/SLO";
    private static readonly DateTimeOffset Now = new(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);

    private static readonly IdentityProvider Idp = new()
    {
        EntityId = ResponseScenario.IdpEntityId,
        SigningCertificates = [TestKeys.IdpSigning],
        SingleLogoutServices = [new SamlEndpoint(SamlNames.HttpRedirectBinding, IdpSlo)],
    };

    private static readonly IdentityProvider OtherIdp = new()
    {
        EntityId = ResponseScenario.OtherIdpEntityId,
        SigningCertificates = [TestKeys.OtherIdpSigning],
        SingleLogoutServices = [new SamlEndpoint(SamlNames.HttpRedirectBinding, "https://idp.university.example.edu/slo")],
    };

    private readonly FakeTimeProvider _clock = new(Now);
    private readonly SamlLogout _logout;

    public SamlLogoutValidationTests() => _logout = new SamlLogout(
        new SamlServiceProviderOptions
        {
            EntityId = ResponseScenario.SpEntityId,
            AcsUrl = "https://portal.example.org/saml/acs",
            SingleLogoutUrl = SloUrl,
            SigningCertificate = TestKeys.SpSigning,
        },
        new IdentityProviderDirectory([Idp, OtherIdp]), _clock);

    private static PendingLogout Pending(string id = "_req1", string idp = ResponseScenario.IdpEntityId) => new()
    {
        RequestId = id,
        IdpEntityId = idp,
        ReturnPath = "/",
        CreatedAt = Now,
        ExpiresAt = Now.AddMinutes(15),
    };

    private static string Instant(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string ResponseXml(string inResponseTo = "_req1", string destination = SloUrl, string issuer = ResponseScenario.IdpEntityId) => $"""
        <samlp:LogoutResponse xmlns:samlp="{SamlNames.Protocol}" xmlns:saml="{SamlNames.Assertion}" ID="_resp1" Version="2.0"
            IssueInstant="{Instant(Now)}" Destination="{destination}" InResponseTo="{inResponseTo}">
          <saml:Issuer>{issuer}</saml:Issuer>
          <samlp:Status><samlp:StatusCode Value="{SamlNames.StatusSuccess}"/></samlp:Status>
        </samlp:LogoutResponse>
        """;

    private static string RequestXml(string destination = SloUrl) => $"""
        <samlp:LogoutRequest xmlns:samlp="{SamlNames.Protocol}" xmlns:saml="{SamlNames.Assertion}" ID="_idpreq1" Version="2.0"
            IssueInstant="{Instant(Now)}" Destination="{destination}">
          <saml:Issuer>{ResponseScenario.IdpEntityId}</saml:Issuer>
          <saml:NameID Format="{SamlNames.TransientNameId}">_transient42</saml:NameID>
          <samlp:SessionIndex>_s1</samlp:SessionIndex>
        </samlp:LogoutRequest>
        """;

    /// <summary>The query string an IdP's redirect would carry, signed with <paramref name="key"/> (or unsigned).</summary>
    private static string Query(string parameter, string xml, X509Certificate2? key, string? relayState = "rs1") =>
        new Uri(RedirectBinding.Url(SloUrl, parameter, xml, relayState, key)).Query;

    private Task<LogoutCheck> CheckAsync(string query, PendingLogout? pending = null) => _logout.CheckAsync(query, (id, _) => Task.FromResult(pending is not null && pending.RequestId == id ? pending : null), CancellationToken.None);

    [Fact]
    public async Task A_signed_response_to_our_request_is_accepted()
    {
        var check = await CheckAsync(Query("SAMLResponse", ResponseXml(), TestKeys.IdpSigning), Pending());
        Assert.Null(check.Failure);
        Assert.False(check.Message!.IsRequest);
        Assert.Equal("_req1", check.Message.Answers!.RequestId);
        Assert.Equal(SamlNames.StatusSuccess, check.Message.StatusCode);
        Assert.Equal("rs1", check.Message.RelayState);
    }

    [Fact]
    public async Task A_response_signed_with_another_key_is_rejected()
    {
        var check = await CheckAsync(Query("SAMLResponse", ResponseXml(), TestKeys.Attacker), Pending());
        Assert.Equal(SamlReasons.SignatureInvalid, check.Failure);
    }

    [Fact]
    public async Task A_response_signed_by_another_trusted_idp_in_the_issuers_name_is_rejected()
    {
        var check = await CheckAsync(Query("SAMLResponse", ResponseXml(), TestKeys.OtherIdpSigning), Pending());
        Assert.Equal(SamlReasons.SignatureInvalid, check.Failure);
    }

    [Fact]
    public async Task An_unsigned_response_is_rejected()
    {
        var check = await CheckAsync(Query("SAMLResponse", ResponseXml(), key: null), Pending());
        Assert.Equal(SamlReasons.SignatureMissing, check.Failure);
    }

    [Fact]
    public async Task A_tampered_relay_state_breaks_the_signature()
    {
        var query = Query("SAMLResponse", ResponseXml(), TestKeys.IdpSigning).Replace("RelayState=rs1", "RelayState=rs2", StringComparison.Ordinal);
        var check = await CheckAsync(query, Pending());
        Assert.Equal(SamlReasons.SignatureInvalid, check.Failure);
    }

    [Fact]
    public async Task A_response_to_a_request_we_never_sent_is_rejected()
    {
        var check = await CheckAsync(Query("SAMLResponse", ResponseXml(inResponseTo: "_forged"), TestKeys.IdpSigning), Pending());
        Assert.Equal(SamlReasons.InResponseTo, check.Failure);
    }

    [Fact]
    public async Task A_response_to_a_request_sent_to_another_idp_is_rejected()
    {
        var check = await CheckAsync(Query("SAMLResponse", ResponseXml(), TestKeys.IdpSigning), Pending(idp: ResponseScenario.OtherIdpEntityId));
        Assert.Equal(SamlReasons.InResponseTo, check.Failure);
    }

    [Fact]
    public async Task A_response_for_another_destination_is_rejected()
    {
        var check = await CheckAsync(Query("SAMLResponse", ResponseXml(destination: "https://other-sp.example.org/slo"), TestKeys.IdpSigning), Pending());
        Assert.Equal(SamlReasons.Destination, check.Failure);
    }

    [Fact]
    public async Task A_response_from_an_unknown_issuer_is_rejected()
    {
        var check = await CheckAsync(Query("SAMLResponse", ResponseXml(issuer: "https://evil.example.org/idp"), TestKeys.Attacker), Pending());
        Assert.Equal(SamlReasons.IdpUnknown, check.Failure);
    }

    [Fact]
    public async Task An_old_response_is_rejected()
    {
        _clock.Advance(TimeSpan.FromMinutes(10));
        var check = await CheckAsync(Query("SAMLResponse", ResponseXml(), TestKeys.IdpSigning), Pending());
        Assert.Equal(SamlReasons.Expired, check.Failure);
    }

    [Fact]
    public async Task A_signed_logout_request_of_the_idp_names_the_person_and_sessions()
    {
        var check = await CheckAsync(Query("SAMLRequest", RequestXml(), TestKeys.IdpSigning));
        Assert.Null(check.Failure);
        Assert.True(check.Message!.IsRequest);
        Assert.Equal("_idpreq1", check.Message.Id);
        Assert.Equal("_transient42", check.Message.NameId);
        Assert.Equal(["_s1"], check.Message.SessionIndexes);
    }

    [Fact]
    public async Task A_logout_request_with_a_bad_signature_is_rejected()
    {
        var check = await CheckAsync(Query("SAMLRequest", RequestXml(), TestKeys.Attacker));
        Assert.Equal(SamlReasons.SignatureInvalid, check.Failure);
    }

    [Fact]
    public async Task A_logout_request_for_another_destination_is_rejected()
    {
        var check = await CheckAsync(Query("SAMLRequest", RequestXml(destination: "https://other-sp.example.org/slo"), TestKeys.IdpSigning));
        Assert.Equal(SamlReasons.Destination, check.Failure);
    }

    [Fact]
    public async Task Our_logout_request_is_signed_over_the_redirect_binding_and_names_the_session()
    {
        var session = new PortalSession
        {
            Method = "saml",
            Issuer = Idp.EntityId,
            SamlNameId = "_transient42",
            SamlNameIdFormat = SamlNames.TransientNameId,
            SamlSessionIndex = "_s1",
        };
        var (url, pending) = _logout.Request(Idp, session, "/");
        Assert.StartsWith(IdpSlo + "?SAMLRequest=", url, StringComparison.Ordinal);
        Assert.Equal(Idp.EntityId, pending.IdpEntityId);

        var query = new Uri(url).Query.TrimStart('?');
        var signedPart = query[..query.IndexOf("&Signature=", StringComparison.Ordinal)];
        var parameters = HttpUtility.ParseQueryString(query);
        Assert.Equal(SamlNames.RsaSha256, parameters["SigAlg"]);
        using var key = TestKeys.SpSigning.GetRSAPublicKey()!;
        Assert.True(key.VerifyData(Encoding.UTF8.GetBytes(signedPart), Convert.FromBase64String(parameters["Signature"]!),
            System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1));

        using var inflate = new DeflateStream(new MemoryStream(Convert.FromBase64String(parameters["SAMLRequest"]!)), CompressionMode.Decompress);
        var xml = new StreamReader(inflate).ReadToEnd();
        Assert.Contains($"ID=\"{pending.RequestId}\"", xml, StringComparison.Ordinal);
        Assert.Contains($"Destination=\"{IdpSlo}\"", xml, StringComparison.Ordinal);
        Assert.Contains(">_transient42</saml:NameID>", xml, StringComparison.Ordinal);
        Assert.Contains("<samlp:SessionIndex>_s1</samlp:SessionIndex>", xml, StringComparison.Ordinal);
    }
}
