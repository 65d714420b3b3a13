using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Web;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;
using Portal.Features.SignIn.Oidc;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.SignIn.Oidc;

/// <summary>OIDC sign-in through the real handler: PKCE on the wire, state and nonce enforced, the portal's session.</summary>
public sealed class OidcSignInTests(OidcPortalFactory portal) : IClassFixture<OidcPortalFactory>
{
    private sealed record Challenge(Uri Authorize, Dictionary<string, string> Query, string Cookies);

    private HttpClient Client() => portal.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });

    /// <summary>
    /// The browser's cookies are carried by hand: the handler's correlation and nonce cookies expire by the portal's
    /// fake clock, which a cookie container would judge by the real one.
    /// </summary>
    private static async Task<Challenge> StartAsync(HttpClient client, string returnUrl = "/vos")
    {
        using var response = await client.GetAsync(new Uri($"/oidc/login?provider=test&returnUrl={Uri.EscapeDataString(returnUrl)}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        var query = HttpUtility.ParseQueryString(location.Query);
        var cookies = string.Join("; ", response.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
        return new Challenge(location, query.AllKeys.ToDictionary(k => k!, k => query[k]!), cookies);
    }

    private static async Task<HttpResponseMessage> CallbackAsync(HttpClient client, string state, string? cookies)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/signin-oidc-test")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["code"] = "code-1", ["state"] = state }),
        };
        if (cookies is not null)
        {
            request.Headers.Add("Cookie", cookies);
        }
        return await client.SendAsync(request);
    }

    private async Task AssertFailedAsync(HttpResponseMessage response, string reason)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"/signin/failed?reason={reason}", response.Headers.Location?.OriginalString);
        Assert.DoesNotContain(response.Headers.TryGetValues("Set-Cookie", out var set) ? set : [], c => c.StartsWith("portal_session=", StringComparison.Ordinal));
        await using var db = portal.CreateDb();
        Assert.True(await db.AuditEvents.AnyAsync(e => e.Type == "signin.failed" && e.Reason == reason));

        using var client = Client();
        var page = await client.GetStringAsync(response.Headers.Location);
        Assert.Contains(OidcReasons.Describe(reason), WebUtility.HtmlDecode(page), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_authorize_redirect_is_code_flow_with_a_pkce_s256_challenge()
    {
        using var client = Client();
        var challenge = await StartAsync(client);

        Assert.Equal(OidcPortalFactory.Issuer + "/authorize", challenge.Authorize.GetLeftPart(UriPartial.Path));
        Assert.Equal("code", challenge.Query["response_type"]);
        Assert.Equal(OidcPortalFactory.ClientId, challenge.Query["client_id"]);
        Assert.Equal("http://localhost/signin-oidc-test", challenge.Query["redirect_uri"]);
        Assert.Equal("S256", challenge.Query["code_challenge_method"]);
        Assert.Matches("^[A-Za-z0-9_-]{43}$", challenge.Query["code_challenge"]);
        Assert.False(string.IsNullOrEmpty(challenge.Query["state"]));
        Assert.False(string.IsNullOrEmpty(challenge.Query["nonce"]));
        Assert.Contains("openid", challenge.Query["scope"].Split(' '));
        Assert.False(challenge.Query.ContainsKey("request_uri"));
    }

    [Fact]
    public async Task A_completed_sign_in_sends_the_pkce_verifier_and_maps_issuer_and_subject_to_a_portal_session()
    {
        using var client = Client();
        var challenge = await StartAsync(client);
        portal.ExpectedNonce = challenge.Query["nonce"];
        portal.Subject = "s-" + Guid.NewGuid().ToString("N");

        using var response = await CallbackAsync(client, challenge.Query["state"], challenge.Cookies);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/vos", response.Headers.Location?.OriginalString);
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("portal_session=", StringComparison.Ordinal));
        var token = portal.TokenRequests.Last();
        Assert.Equal("authorization_code", token["grant_type"]);
        Assert.Equal(challenge.Query["code_challenge"], Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(token["code_verifier"]))));

        await using var db = portal.CreateDb();
        var user = await db.Users.Include(u => u.Institution).SingleAsync(u => u.Subject == portal.Subject);
        Assert.Equal(OidcPortalFactory.Issuer, user.Issuer);
        Assert.Equal("Olivia Cloud", user.DisplayName);
        Assert.Equal("olivia@cloud.example.test", user.Email);
        Assert.Equal("op.example.test", user.HomeOrganization);
        Assert.Equal(OidcPortalFactory.Issuer, user.Institution!.IdpEntityId);
        var session = await db.PortalSessions.SingleAsync(s => s.UserId == user.Id);
        Assert.Equal(("oidc", "test", null), (session.Method, session.OidcProvider, session.EndedAt));
        Assert.False(string.IsNullOrEmpty(session.OidcIdToken));
        Assert.True(await db.AuditEvents.AnyAsync(e => e.Type == "signin.succeeded" && e.ActorUserId == user.Id));
    }

    [Fact]
    public async Task Signing_out_of_an_oidc_session_ends_it_here_and_sends_the_browser_to_the_providers_end_session_endpoint()
    {
        using var client = Client();
        var challenge = await StartAsync(client);
        portal.ExpectedNonce = challenge.Query["nonce"];
        portal.Subject = "s-" + Guid.NewGuid().ToString("N");
        using var signedIn = await CallbackAsync(client, challenge.Query["state"], challenge.Cookies);
        var session = signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("portal_session=", StringComparison.Ordinal)).Split(';')[0];

        using var home = new HttpRequestMessage(HttpMethod.Get, "/");
        home.Headers.Add("Cookie", session);
        using var homeResponse = await client.SendAsync(home);
        var antiforgery = homeResponse.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).Single(c => c.StartsWith(".AspNetCore.Antiforgery", StringComparison.Ordinal));
        using var signOut = new HttpRequestMessage(HttpMethod.Post, "/signout")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = DemoSession.AntiforgeryToken(await homeResponse.Content.ReadAsStringAsync()),
            }),
        };
        signOut.Headers.Add("Cookie", $"{session}; {antiforgery}");
        using var response = await client.SendAsync(signOut);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(OidcPortalFactory.Issuer + "/logout", response.Headers.Location!.GetLeftPart(UriPartial.Path));
        var query = HttpUtility.ParseQueryString(response.Headers.Location.Query);
        Assert.Equal("http://localhost/signout-callback-oidc-test", query["post_logout_redirect_uri"]);
        Assert.Equal(3, query["id_token_hint"]?.Split('.').Length);
        Assert.False(string.IsNullOrEmpty(query["state"]));

        using var me = new HttpRequestMessage(HttpMethod.Get, "/api/me");
        me.Headers.Add("Cookie", session);
        using var meResponse = await client.SendAsync(me);
        Assert.Equal(HttpStatusCode.Unauthorized, meResponse.StatusCode);
    }

    [Fact]
    public async Task A_forged_state_fails_with_the_readable_page_and_an_audit_event()
    {
        using var client = Client();
        var challenge = await StartAsync(client);
        using var response = await CallbackAsync(client, "forged-state", challenge.Cookies);
        await AssertFailedAsync(response, OidcReasons.State);
    }

    [Fact]
    public async Task A_genuine_state_from_another_browser_fails_as_a_state_mismatch()
    {
        using var client = Client();
        var challenge = await StartAsync(client);
        using var response = await CallbackAsync(client, challenge.Query["state"], cookies: null);
        await AssertFailedAsync(response, OidcReasons.State);
    }

    [Fact]
    public async Task An_id_token_with_another_nonce_fails_with_the_readable_page_and_an_audit_event()
    {
        using var client = Client();
        var challenge = await StartAsync(client);
        portal.ExpectedNonce = challenge.Query["nonce"];
        portal.IdTokenNonce = "someone-elses-nonce";
        try
        {
            using var response = await CallbackAsync(client, challenge.Query["state"], challenge.Cookies);
            await AssertFailedAsync(response, OidcReasons.Nonce);
        }
        finally
        {
            portal.IdTokenNonce = null;
        }
    }

    [Fact]
    public async Task An_unknown_provider_name_fails_readably()
    {
        using var client = Client();
        using var response = await client.GetAsync(new Uri("/oidc/login?provider=nope", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/signin/failed?reason=" + OidcReasons.ProviderUnknown, response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task The_discovery_page_lists_the_provider_beside_the_saml_idps_and_finds_it_by_domain()
    {
        using var client = Client();
        var all = await client.GetStringAsync(new Uri("/signin", UriKind.Relative));
        Assert.Contains("Test Research Cloud", all, StringComparison.Ordinal);
        Assert.Contains("Example Hospital", all, StringComparison.Ordinal);

        var found = await client.GetStringAsync(new Uri("/signin?q=cloud.example", UriKind.Relative));
        Assert.Contains("/oidc/login?provider=test&amp;returnUrl=%2F", found, StringComparison.Ordinal);
        Assert.DoesNotContain("Example Hospital", found, StringComparison.Ordinal);
    }
}
