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

    private static async Task SignInAsAsync(IPage page, string name) =>
        await page.GetByRole(AriaRole.Button, new() { Name = $"Sign in as {name}" }).ClickAsync();

    [Fact]
    public async Task An_owner_who_opens_a_protected_page_signs_in_and_lands_on_it()
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/owner");
        await Assertions.Expect(page).ToHaveURLAsync(SignInUrl());

        await SignInAsAsync(page, "Dr. Alice Adler");

        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/owner$"));
        await Assertions.Expect(page.GetByTestId("signed-in-user")).ToHaveTextAsync("Dr. Alice Adler");
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
        await SignInAsAsync(page, "Bob Baker");
        await Assertions.Expect(page.GetByTestId("signed-in-user")).ToHaveTextAsync("Bob Baker");

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
    public async Task An_auditor_reads_the_audit_log_with_their_own_sign_in_on_it()
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/audit");
        await SignInAsAsync(page, "Carol Chen");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/audit$"));
        await Assertions.Expect(page.GetByTestId("audit-events")).ToContainTextAsync("signin.succeeded");
        await Assertions.Expect(page.GetByTestId("audit-events")).ToContainTextAsync("Carol Chen");
    }

    [Fact]
    public async Task Signing_out_returns_to_the_anonymous_start_page()
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/signin");
        await SignInAsAsync(page, "Dave Dietrich");
        await Assertions.Expect(page.GetByTestId("signed-in-user")).ToHaveTextAsync("Dave Dietrich");

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
        await SignInAsAsync(page, "Bob Baker");
        await Assertions.Expect(page.GetByTestId("signed-in-user")).ToHaveTextAsync("Bob Baker");
        var response = await page.GotoAsync("/no/such/page");
        Assert.Equal(404, response?.Status);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Page not found" })).ToBeVisibleAsync();
    }

    [GeneratedRegex("/signin\\?ReturnUrl=")]
    private static partial Regex SignInUrl();
}
