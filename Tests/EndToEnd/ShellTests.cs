using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Portal.EndToEnd;

/// <summary>A person in Chromium: sign in, find their place in the portal, sign out.</summary>
public sealed partial class ShellTests(PortalProcess portal, Browser browser) : IClassFixture<PortalProcess>, IClassFixture<Browser>
{
    private async Task<IPage> NewPageAsync()
    {
        var context = await browser.Chromium.NewContextAsync(new BrowserNewContextOptions { BaseURL = portal.BaseUrl.ToString() });
        context.SetDefaultTimeout(15_000);
        return await context.NewPageAsync();
    }

    private static Task SignInAsAsync(IPage page, string institution, string login) => IdpLogin.SignInAsync(page, institution, login);

    [Fact]
    public async Task An_owner_who_opens_a_protected_page_signs_in_and_lands_on_it()
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/owner");
        await Assertions.Expect(page).ToHaveURLAsync(SignInUrl());

        await SignInAsAsync(page, "hospital", "alice");

        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/owner$"));
        await Assertions.Expect(page.GetByTestId("signed-in-user")).ToHaveTextAsync("Alice Owner");
        var table = page.GetByTestId("owner-datasets");
        await Assertions.Expect(table).ToContainTextAsync("HIV clinic patients");
        await Assertions.Expect(table).ToContainTextAsync("DS:HIV, NCU, IRB");
        await page.ScreenshotAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, "owner.png"), FullPage = true });
    }

    [Fact]
    public async Task A_researcher_sees_their_grant_and_the_vo_catalogue_and_navigates_interactively()
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/signin");
        await SignInAsAsync(page, "university", "bob");
        await Assertions.Expect(page.GetByTestId("signed-in-user")).ToHaveTextAsync("Bob Researcher");

        await page.GetByRole(AriaRole.Link, new() { Name = "Catalogue & my access" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("my-grants")).ToContainTextAsync("HIV clinic patients");
        await Assertions.Expect(page.GetByTestId("my-grants")).ToContainTextAsync("DS:HIV");
        await Assertions.Expect(page.GetByTestId("catalogue")).ToContainTextAsync("Recent admissions (2020 onwards)");

        await page.GetByRole(AriaRole.Link, new() { Name = "My VOs" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("my-vos")).ToContainTextAsync("HIV Cohort Collaboration");
        // Bob is no auditor: the navigation does not offer the audit log.
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Audit log" })).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_link_clicked_before_the_circuit_is_up_still_navigates()
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/signin");
        await SignInAsAsync(page, "university", "bob");
        await Assertions.Expect(page.GetByTestId("signed-in-user")).ToHaveTextAsync("Bob Researcher");

        // A slow link: every circuit negotiation waits 10 s, so the prerendered page is all there is for a while.
        await page.RouteAsync("**/_blazor/negotiate**", async route =>
        {
            await Task.Delay(10_000);
            await route.ContinueAsync();
        });
        await page.ReloadAsync();
        Assert.Equal(0, await page.Locator("#portal-interactive").CountAsync());

        await page.GetByRole(AriaRole.Link, new() { Name = "My VOs" }).ClickAsync();

        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/vos$"), new() { Timeout = 5_000 });
        await Assertions.Expect(page.GetByTestId("my-vos")).ToContainTextAsync("HIV Cohort Collaboration", new() { Timeout = 5_000 });
    }

    [Fact]
    public async Task An_auditor_reads_the_audit_log_with_their_own_sign_in_on_it()
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/audit");
        await SignInAsAsync(page, "hospital", "carol");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/audit$"));
        await Assertions.Expect(page.GetByTestId("audit-events")).ToContainTextAsync("signin.succeeded");
        await Assertions.Expect(page.GetByTestId("audit-events")).ToContainTextAsync("Carol Steward");
    }

    [Fact]
    public async Task Signing_out_returns_to_the_anonymous_start_page()
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/signin");
        await SignInAsAsync(page, "university", "dave");
        await Assertions.Expect(page.GetByTestId("signed-in-user")).ToHaveTextAsync("Dave Admin");

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Sign in with your institution" })).ToBeVisibleAsync();
        await page.GotoAsync("/vos");
        await Assertions.Expect(page).ToHaveURLAsync(SignInUrl());
    }

    [Fact]
    public async Task An_unknown_address_shows_a_readable_page()
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/signin");
        await SignInAsAsync(page, "university", "bob");
        await Assertions.Expect(page.GetByTestId("signed-in-user")).ToHaveTextAsync("Bob Researcher");
        var response = await page.GotoAsync("/no/such/page");
        Assert.Equal(404, response?.Status);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Page not found" })).ToBeVisibleAsync();
    }

    [Theory]
    [InlineData("hospital", "alice", "Alice Owner", "hospital.example.org", "staff@hospital.example.org")]
    [InlineData("university", "bob", "Bob Researcher", "university.example.edu", "faculty@university.example.edu")]
    public async Task Each_institution_signs_its_people_in_with_their_mapped_attributes(
        string institution, string login, string name, string scope, string affiliation)
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/signin");
        await SignInAsAsync(page, institution, login);
        await Assertions.Expect(page.GetByTestId("signed-in-user")).ToHaveTextAsync(name);

        var me = await page.Context.APIRequest.GetAsync("/api/me");
        Assert.Equal(200, me.Status);
        var body = await me.JsonAsync();
        Assert.EndsWith($"/idp/{institution}", body?.GetProperty("issuer").GetString(), StringComparison.Ordinal);
        Assert.Equal(scope, body?.GetProperty("homeOrganization").GetString());
        Assert.EndsWith($"@{scope}", body?.GetProperty("subject").GetString(), StringComparison.Ordinal);
        Assert.Contains(affiliation, body!.Value.GetProperty("affiliations").EnumerateArray().Select(a => a.GetString()));
    }

    [Fact]
    public async Task A_wrong_password_at_the_idp_leaves_the_person_signed_out()
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/signin");
        await page.Locator("a[href*='idp%2Fhospital']").ClickAsync();
        await page.Locator("input[name=username]").FillAsync("alice");
        await page.Locator("input[name=password]").FillAsync("wrong");
        await page.Locator("button[type=submit], input[type=submit]").First.ClickAsync();
        var me = await page.Context.APIRequest.GetAsync(portal.BaseUrl + "api/me");
        Assert.Equal(401, me.Status);
    }

    [GeneratedRegex("/signin\\?ReturnUrl=")]
    private static partial Regex SignInUrl();
}
