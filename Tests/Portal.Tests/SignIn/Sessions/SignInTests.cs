using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Demo;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.SignIn.Sessions;

public sealed class SignInTests(DemoPortalFactory portal) : IClassFixture<DemoPortalFactory>
{
    [Theory]
    [InlineData("/owner")]
    [InlineData("/researcher")]
    [InlineData("/vos")]
    [InlineData("/audit")]
    public async Task An_anonymous_visitor_of_a_protected_page_is_sent_to_sign_in_and_back(string page)
    {
        using var client = portal.CreateBrowserClient();
        using var response = await client.GetAsync(new Uri(page, UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"/signin?ReturnUrl={Uri.EscapeDataString(page)}", response.Headers.Location?.PathAndQuery);
    }

    [Fact]
    public async Task The_api_answers_an_anonymous_caller_with_401_problem_details_not_a_redirect()
    {
        using var client = portal.CreateBrowserClient();
        using var response = await client.GetAsync(new Uri("/api/me", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(401, problem.RootElement.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Public_pages_need_no_sign_in()
    {
        using var client = portal.CreateBrowserClient();
        foreach (var page in new[] { "/", "/signin", "/health/live", "/openapi/v1.json" })
        {
            using var response = await client.GetAsync(new Uri(page, UriKind.Relative));
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{page}: {response.StatusCode}");
        }
    }

    [Fact]
    public async Task The_sign_in_page_lists_the_trusted_institutions_and_keeps_the_return_path()
    {
        using var client = portal.CreateBrowserClient();
        var page = await client.GetStringAsync(new Uri("/signin?ReturnUrl=%2Fowner", UriKind.Relative));
        Assert.Contains($"/saml/login?idp={Uri.EscapeDataString(DemoSeed.HospitalIdp)}&amp;returnUrl=%2Fowner", page, StringComparison.Ordinal);
        Assert.Contains($"/saml/login?idp={Uri.EscapeDataString(DemoSeed.UniversityIdp)}&amp;returnUrl=%2Fowner", page, StringComparison.Ordinal);
    }
    [Fact]
    public async Task Signing_in_through_saml_creates_a_session_that_api_me_describes_and_audits_it()
    {
        using var client = portal.CreateBrowserClient();
        await DemoSession.SignInAsync(client, DemoSeed.Bob);

        var me = await client.GetFromJsonAsync<JsonElement>(new Uri("/api/me", UriKind.Relative));
        Assert.Equal("Bob Researcher", me.GetProperty("displayName").GetString());
        Assert.Equal(DemoSeed.UniversityIdp, me.GetProperty("issuer").GetString());
        Assert.Equal(DemoSeed.SubjectId("bob", DemoSeed.UniversityScope), me.GetProperty("subject").GetString());
        Assert.Equal("Example University", me.GetProperty("institution").GetString());
        Assert.Equal(["faculty@university.example.edu", "member@university.example.edu"],
            me.GetProperty("affiliations").EnumerateArray().Select(a => a.GetString()!).ToArray());

        await using var db = portal.CreateDb();
        Assert.True(await db.AuditEvents.AnyAsync(e => e.Type == "signin.succeeded" && e.ActorUserId == DemoSeed.Bob));
    }
    [Fact]
    public async Task A_signed_in_user_reaches_protected_pages()
    {
        using var client = portal.CreateBrowserClient();
        await DemoSession.SignInAsync(client, DemoSeed.Alice);
        using var response = await client.GetAsync(new Uri("/owner", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("HIV clinic patients", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_audit_page_refuses_people_who_are_neither_auditors_nor_owners()
    {
        using var bob = portal.CreateBrowserClient();
        await DemoSession.SignInAsync(bob, DemoSeed.Bob);
        var refused = await bob.GetStringAsync(new Uri("/audit", UriKind.Relative));
        Assert.Contains("Only auditors, and owners and stewards of datasets, read the audit trail.", refused, StringComparison.Ordinal);

        using var carol = portal.CreateBrowserClient();
        await DemoSession.SignInAsync(carol, DemoSeed.Carol);
        var page = await carol.GetStringAsync(new Uri("/audit", UriKind.Relative));
        Assert.Contains("signin.succeeded", page, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://evil.example/", "/")]
    [InlineData("//evil.example/", "/")]
    [InlineData("/\\evil.example/", "/")]
    [InlineData("/researcher", "/researcher")]
    public async Task After_sign_in_the_user_returns_to_a_local_page_only(string returnUrl, string expected)
    {
        using var client = portal.CreateBrowserClient();
        using var response = await DemoSession.PostResponseAsync(client, DemoSeed.Dave, returnUrl, _ => { });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(expected, response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task A_session_ends_after_the_absolute_lifetime_even_when_active()
    {
        using var client = portal.CreateBrowserClient();
        await DemoSession.SignInAsync(client, DemoSeed.Dave);
        // Active every 50 minutes: the idle timeout never strikes, the 8-hour ceiling does.
        for (var i = 0; i < 9; i++)
        {
            portal.Clock.Advance(TimeSpan.FromMinutes(50));
            using var ok = await client.GetAsync(new Uri("/api/me", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }
        portal.Clock.Advance(TimeSpan.FromMinutes(40));
        using var expired = await client.GetAsync(new Uri("/api/me", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
    }

    [Fact]
    public async Task A_session_ends_after_an_hour_without_activity()
    {
        using var client = portal.CreateBrowserClient();
        await DemoSession.SignInAsync(client, DemoSeed.Alice);
        portal.Clock.Advance(TimeSpan.FromMinutes(59));
        using (var ok = await client.GetAsync(new Uri("/api/me", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }
        portal.Clock.Advance(TimeSpan.FromMinutes(61));
        using var idle = await client.GetAsync(new Uri("/api/me", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, idle.StatusCode);
    }

    [Fact]
    public async Task An_unknown_page_is_a_readable_404()
    {
        using var client = portal.CreateBrowserClient();
        await DemoSession.SignInAsync(client, DemoSeed.Bob);
        using var response = await client.GetAsync(new Uri("/no/such/page", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("Page not found", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_api_route_is_a_problem_details_404()
    {
        using var client = portal.CreateBrowserClient();
        await DemoSession.SignInAsync(client, DemoSeed.Bob);
        using var response = await client.GetAsync(new Uri("/api/no-such-thing", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_form_post_without_antiforgery_token_gets_a_readable_page()
    {
        using var client = portal.CreateBrowserClient();
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>());
        using var response = await client.PostAsync(new Uri("/signout", UriKind.Relative), form);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("The request was not valid, so nothing was changed", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_out_ends_the_session()
    {
        using var client = portal.CreateBrowserClient();
        await DemoSession.SignInAsync(client, DemoSeed.Carol);
        var home = await client.GetStringAsync(new Uri("/", UriKind.Relative));
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = DemoSession.AntiforgeryToken(home),
        });
        using var response = await client.PostAsync(new Uri("/signout", UriKind.Relative), form);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        using var me = await client.GetAsync(new Uri("/api/me", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
    }
}
