using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Web;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Demo;
using Portal.Features.SignIn.Saml;
using Portal.Tests.Infrastructure;
using Portal.Tests.SignIn.Saml;

namespace Portal.Tests.SignIn.Saml;

/// <summary>Sign-out through the real endpoints: server-side session end, SAML Single Logout both ways.</summary>
public sealed class SingleLogoutEndpointTests(DemoPortalFactory portal) : IClassFixture<DemoPortalFactory>
{
    private const string SloUrl = "http://localhost/saml/slo";

    /// <summary>Where the test IdP metadata (ResponseScenario.IdpMetadataXml) receives logout messages.</summary>
    private const string IdpSlo = "https://idp.hospital.example.org/idp/profile/SAML2/Redirect/SLO";

    private static string Instant(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static async Task<HttpResponseMessage> SignOutAsync(HttpClient client)
    {
        var home = await client.GetStringAsync(new Uri("/", UriKind.Relative));
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = DemoSession.AntiforgeryToken(home) });
        return await client.PostAsync(new Uri("/signout", UriKind.Relative), form);
    }

    private async Task<HttpStatusCode> MeWithCookieAsync(string cookie)
    {
        using var client = portal.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/me");
        request.Headers.Add("Cookie", cookie);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    private static async Task<string> SessionCookieAsync(HttpClient client, Guid user)
    {
        // The browser client keeps cookies itself; sign in once more through a handler-less request to see Set-Cookie.
        using var response = await DemoSession.PostResponseAsync(client, user, "/", _ => { });
        return response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("portal_session=", StringComparison.Ordinal)).Split(';')[0];
    }

    private static string SignedRedirect(string parameter, string xml, X509Certificate2 key) =>
        new Uri(RedirectBinding.Url(SloUrl, parameter, xml, "rs-idp", key)).PathAndQuery;

    /// <summary>Signs <paramref name="user"/> in at the university IdP, then builds that IdP's LogoutRequest for the session, signed by <paramref name="key"/>.</summary>
    private async Task<string> IdpLogoutRequestAsync(HttpClient client, Guid user, X509Certificate2 key)
    {
        await DemoSession.SignInAsync(client, user);
        string nameId;
        await using (var db = portal.CreateDb())
        {
            nameId = (await db.PortalSessions.OrderByDescending(s => s.CreatedAt).FirstAsync(s => s.UserId == user && s.EndedAt == null)).SamlNameId!;
        }
        return SignedRedirect("SAMLRequest", $"""
            <samlp:LogoutRequest xmlns:samlp="{SamlNames.Protocol}" xmlns:saml="{SamlNames.Assertion}" ID="_idp{Guid.NewGuid():N}" Version="2.0"
                IssueInstant="{Instant(portal.Clock.GetUtcNow())}" Destination="{SloUrl}">
              <saml:Issuer>{DemoSeed.UniversityIdp}</saml:Issuer>
              <saml:NameID>{nameId}</saml:NameID>
            </samlp:LogoutRequest>
            """, key);
    }

    [Fact]
    public async Task The_sp_metadata_advertises_the_single_logout_endpoint()
    {
        using var client = portal.CreateBrowserClient();
        var metadata = await client.GetStringAsync(new Uri("/saml/metadata", UriKind.Relative));
        Assert.Contains($"<md:SingleLogoutService Binding=\"{SamlNames.HttpRedirectBinding}\" Location=\"{SloUrl}\" />", metadata, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Signing_out_of_a_saml_session_sends_a_signed_logout_request_and_the_copied_cookie_dies()
    {
        using var client = portal.CreateBrowserClient();
        var cookie = await SessionCookieAsync(client, DemoSeed.Alice);
        Assert.Equal(HttpStatusCode.OK, await MeWithCookieAsync(cookie));

        using var response = await SignOutAsync(client);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.AbsoluteUri;
        Assert.StartsWith(IdpSlo + "?SAMLRequest=", location, StringComparison.Ordinal);
        var query = HttpUtility.ParseQueryString(response.Headers.Location.Query);
        Assert.Equal(SamlNames.RsaSha256, query["SigAlg"]);
        Assert.False(string.IsNullOrEmpty(query["Signature"]));
        Assert.Equal(HttpStatusCode.Unauthorized, await MeWithCookieAsync(cookie));

        await using var db = portal.CreateDb();
        var session = await db.PortalSessions.OrderByDescending(s => s.CreatedAt).FirstAsync(s => s.UserId == DemoSeed.Alice && s.EndedAt != null);
        Assert.Equal("signout", session.EndReason);
        Assert.Equal("_s1e2s3s4i5o6n7", session.SamlSessionIndex);
        Assert.True(await db.PendingLogouts.AnyAsync(p => p.IdpEntityId == DemoSeed.HospitalIdp));
    }

    [Fact]
    public async Task The_idps_logout_response_closes_the_round_trip_once()
    {
        using var client = portal.CreateBrowserClient();
        await DemoSession.SignInAsync(client, DemoSeed.Carol);
        using var signOut = await SignOutAsync(client);
        string requestId;
        await using (var db = portal.CreateDb())
        {
            requestId = (await db.PendingLogouts.OrderByDescending(p => p.CreatedAt).FirstAsync()).RequestId;
        }
        var answer = SignedRedirect("SAMLResponse", $"""
            <samlp:LogoutResponse xmlns:samlp="{SamlNames.Protocol}" xmlns:saml="{SamlNames.Assertion}" ID="_lr{Guid.NewGuid():N}" Version="2.0"
                IssueInstant="{Instant(portal.Clock.GetUtcNow())}" Destination="{SloUrl}" InResponseTo="{requestId}">
              <saml:Issuer>{DemoSeed.HospitalIdp}</saml:Issuer>
              <samlp:Status><samlp:StatusCode Value="{SamlNames.StatusSuccess}"/></samlp:Status>
            </samlp:LogoutResponse>
            """, TestFederation.Hospital.SigningKey);

        using var accepted = await client.GetAsync(new Uri(answer, UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        Assert.Equal("/", accepted.Headers.Location?.OriginalString);

        using var replayed = await client.GetAsync(new Uri(answer, UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, replayed.StatusCode);
        Assert.Equal(SamlReasons.InResponseTo, await ProblemCode.OfAsync(replayed));
        await using var check = portal.CreateDb();
        Assert.True(await check.AuditEvents.AnyAsync(e => e.Type == "signout.slo.failed" && e.Reason == SamlReasons.InResponseTo));

        // A browser (Accept: text/html) is sent to a page that says what happened, in words and with the reason code.
        using var fromBrowser = new HttpRequestMessage(HttpMethod.Get, new Uri(answer, UriKind.Relative));
        fromBrowser.Headers.Accept.ParseAdd("text/html,application/xhtml+xml");
        using var redirected = await client.SendAsync(fromBrowser);
        Assert.Equal(HttpStatusCode.Redirect, redirected.StatusCode);
        Assert.Equal($"/signout/failed?reason={SamlReasons.InResponseTo}", redirected.Headers.Location?.OriginalString);
        var page = await client.GetStringAsync(redirected.Headers.Location);
        Assert.Contains("Sign-out not confirmed", page, StringComparison.Ordinal);
        Assert.Contains(SamlReasons.InResponseTo, page, StringComparison.Ordinal);
        Assert.Contains(System.Net.WebUtility.HtmlEncode(SamlReasons.Describe(SamlReasons.InResponseTo).Replace("sign-in response", "logout message", StringComparison.Ordinal)), page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_idp_initiated_logout_request_ends_the_persons_sessions_and_is_answered()
    {
        using var client = portal.CreateBrowserClient();
        var request = await IdpLogoutRequestAsync(client, DemoSeed.Bob, TestFederation.University.SigningKey);

        using var response = await client.GetAsync(new Uri(request, UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var answer = HttpUtility.ParseQueryString(response.Headers.Location!.Query);
        Assert.False(string.IsNullOrEmpty(answer["SAMLResponse"]));
        Assert.Equal("rs-idp", answer["RelayState"]);
        Assert.False(string.IsNullOrEmpty(answer["Signature"]));
        using var me = await client.GetAsync(new Uri("/api/me", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        await using var check = portal.CreateDb();
        Assert.True(await check.AuditEvents.AnyAsync(e => e.Type == "signout" && e.Reason == "saml.slo" && e.ActorUserId == DemoSeed.Bob));
    }

    [Fact]
    public async Task An_idp_logout_request_with_a_foreign_signature_changes_nothing()
    {
        using var client = portal.CreateBrowserClient();
        var request = await IdpLogoutRequestAsync(client, DemoSeed.Dave, TestKeys.Attacker);

        using var response = await client.GetAsync(new Uri(request, UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var me = await client.GetAsync(new Uri("/api/me", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
    }
}
