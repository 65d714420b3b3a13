using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Portal.EndToEnd;

/// <summary>
/// OIDC sign-in against the demo oidc-provider, and sign-out that ends the session everywhere: at the portal (a
/// copied cookie is refused) and at the IdP (SAML Single Logout, OIDC RP-initiated logout).
/// </summary>
public sealed class SignInEverywhereTests(PortalProcess portal, Browser browser) : IClassFixture<PortalProcess>, IClassFixture<Browser>
{
    private async Task<IPage> NewPageAsync()
    {
        var context = await browser.Chromium.NewContextAsync(new BrowserNewContextOptions { BaseURL = portal.BaseUrl.ToString() });
        context.SetDefaultTimeout(15_000);
        return await context.NewPageAsync();
    }

    // The callback exchanges the code with the provider before the portal answers: give it more than the default 5 s
    // when the machine is busy with parallel test classes.
    private static readonly LocatorAssertionsToHaveTextOptions Slow = new() { Timeout = 20_000 };

    private static async Task OidcLoginAsync(IPage page, string login)
    {
        await page.Locator("input[name=username]").FillAsync(login);
        await page.Locator("input[name=password]").FillAsync($"{login}-demo");
        await page.Locator("button[type=submit]").ClickAsync();
    }

    private async Task<HttpStatusCode> MeWithCookieAsync(string cookie)
    {
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = portal.BaseUrl };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/me");
        request.Headers.Add("Cookie", $"portal_session={cookie}");
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    private static async Task<string> SessionCookieAsync(IPage page) =>
        (await page.Context.CookiesAsync()).Single(c => c.Name == "portal_session").Value;

    [Fact]
    public async Task A_person_found_by_searching_the_discovery_page_signs_in_with_the_oidc_provider()
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/signin?q=lab.example");
        var providers = page.GetByTestId("identity-providers");
        await Assertions.Expect(providers).ToContainTextAsync("Demo Lab (OpenID Connect)");
        await Assertions.Expect(providers).Not.ToContainTextAsync("University");

        await page.Locator("a[href*='/oidc/login?provider=demo']").ClickAsync();
        // At the provider, not the portal: its own login form.
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("^" + Regex.Escape(portal.OidcIssuer.ToString())));
        await OidcLoginAsync(page, "erin");

        await Assertions.Expect(page.GetByTestId("signed-in-user")).ToHaveTextAsync("Erin Analyst", Slow);
        var me = await page.Context.APIRequest.GetAsync("/api/me");
        Assert.Equal(200, me.Status);
        var body = (await me.JsonAsync())!.Value;
        Assert.Equal(portal.OidcIssuer.ToString().TrimEnd('/'), body.GetProperty("issuer").GetString());
        Assert.Equal("erin", body.GetProperty("subject").GetString());
        Assert.Equal("erin@lab.example.net", body.GetProperty("email").GetString());
        Assert.Equal("Demo Lab", body.GetProperty("homeOrganization").GetString());

        // The discovery page remembers the choice beside the SAML IdPs.
        await page.GotoAsync("/signin");
        await Assertions.Expect(page.GetByTestId("last-choice")).ToContainTextAsync("Demo Lab (OpenID Connect)");
    }

    [Fact]
    public async Task Signing_out_of_an_oidc_session_ends_it_at_the_provider_and_kills_the_copied_cookie()
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/oidc/login?provider=demo");
        await OidcLoginAsync(page, "frank");
        await Assertions.Expect(page.GetByTestId("signed-in-user")).ToHaveTextAsync("Frank Curator", Slow);
        var cookie = await SessionCookieAsync(page);
        Assert.Equal(HttpStatusCode.OK, await MeWithCookieAsync(cookie));

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Sign in with your institution" })).ToBeVisibleAsync();
        await Assertions.Expect(page).ToHaveURLAsync(portal.BaseUrl.ToString());

        Assert.Equal(HttpStatusCode.Unauthorized, await MeWithCookieAsync(cookie));
        // The provider's session ended too: signing in again asks for the password.
        await page.GotoAsync("/oidc/login?provider=demo");
        await Assertions.Expect(page.Locator("input[name=password]")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Signing_out_of_a_saml_session_ends_it_at_the_idp_by_single_logout_and_kills_the_copied_cookie()
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/signin");
        await IdpLogin.SignInAsync(page, "hospital", "alice");
        await Assertions.Expect(page.GetByTestId("signed-in-user")).ToHaveTextAsync("Alice Owner", Slow);
        var cookie = await SessionCookieAsync(page);
        Assert.Equal(HttpStatusCode.OK, await MeWithCookieAsync(cookie));

        // While the IdP session lives, a second sign-in needs no password: that is what SLO has to end.
        await page.Context.ClearCookiesAsync(new() { Name = "portal_session" });
        await page.GotoAsync("/signin");
        await page.GetByTestId("identity-providers").Locator("a[href*='idp%2Fhospital']").ClickAsync();
        await Assertions.Expect(page.GetByTestId("signed-in-user")).ToHaveTextAsync("Alice Owner", Slow);
        var second = await SessionCookieAsync(page);

        var sloAnswers = new List<int>();
        page.Response += (_, r) =>
        {
            if (r.Url.Contains("/saml/slo?", StringComparison.Ordinal))
            {
                sloAnswers.Add(r.Status);
            }
        };
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Sign in with your institution" })).ToBeVisibleAsync();
        // The IdP answered with a LogoutResponse the portal accepted (a rejected one is a 400 problem).
        Assert.Equal([302], sloAnswers);

        Assert.Equal(HttpStatusCode.Unauthorized, await MeWithCookieAsync(second));
        await page.GotoAsync("/signin");
        await page.GetByTestId("identity-providers").Locator("a[href*='idp%2Fhospital']").ClickAsync();
        await Assertions.Expect(page.Locator("input[name=password]")).ToBeVisibleAsync();
    }
}
