using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Portal.EndToEnd;

/// <summary>A VO admin creates a VO and invites by link; the invitee accepts on the page; the admin's bell tells them.</summary>
public sealed partial class VoInvitationTests(PortalProcess portal, Browser browser) : IClassFixture<PortalProcess>, IClassFixture<Browser>
{
    private async Task<IPage> SignedInAsync(string name)
    {
        var context = await browser.Chromium.NewContextAsync(new BrowserNewContextOptions { BaseURL = portal.BaseUrl.ToString() });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/signin");
        await IdpLogin.SignInAsync(page, name);
        await Assertions.Expect(page.GetByTestId("signed-in-user")).ToHaveTextAsync(name);
        return page;
    }

    private static Task InteractiveAsync(IPage page) =>
        page.Locator("#portal-interactive").WaitForAsync(new() { State = WaitForSelectorState.Attached });

    [Fact]
    public async Task Dave_invites_bob_by_link_bob_accepts_and_daves_bell_shows_it()
    {
        var name = $"Long-term outcomes {Guid.NewGuid().ToString("N")[..6]}";
        var dave = await SignedInAsync("Dave Admin");
        await dave.GotoAsync("/vos/new");
        await InteractiveAsync(dave);
        await dave.GetByLabel("Name").First.FillAsync(name);
        await dave.GetByRole(AriaRole.Button, new() { Name = "Create", Exact = true }).ClickAsync();
        await Assertions.Expect(dave).ToHaveURLAsync(VoPage());
        await Assertions.Expect(dave.GetByRole(AriaRole.Heading, new() { Name = name })).ToBeVisibleAsync();

        await InteractiveAsync(dave);
        await dave.GetByRole(AriaRole.Button, new() { Name = "Create invitation" }).ClickAsync();
        var link = (await dave.GetByTestId("invitation-link").InnerTextAsync()).Trim();
        Assert.Matches(InvitationUrl(), link);
        await Assertions.Expect(dave.GetByTestId("vo-invitations")).ToContainTextAsync("anyone with the link");

        var bob = await SignedInAsync("Bob Researcher");
        await bob.GotoAsync(link);
        await Assertions.Expect(bob.GetByTestId("invitation")).ToContainTextAsync(name);
        await Assertions.Expect(bob.GetByTestId("invitation")).ToContainTextAsync("Dave Admin invites you");
        await InteractiveAsync(bob);
        await bob.GetByRole(AriaRole.Button, new() { Name = "Accept invitation" }).ClickAsync();
        await Assertions.Expect(bob).ToHaveURLAsync(new Regex("/vos$"));
        await Assertions.Expect(bob.GetByTestId("my-vos")).ToContainTextAsync(name);

        // The link worked once: a second visit explains that it was used.
        await bob.GotoAsync(link);
        await Assertions.Expect(bob.GetByTestId("invitation-error")).ToContainTextAsync("already used");

        await dave.GotoAsync("/vos");
        await Assertions.Expect(dave.GetByTestId("notification-bell")).ToContainTextAsync("1");
        // The interactive router takes link clicks once the circuit is up; a click during the hand-over can be lost.
        await InteractiveAsync(dave);
        await dave.GetByRole(AriaRole.Link, new() { Name = "Notifications, 1 unread" }).ClickAsync();
        await Assertions.Expect(dave.GetByTestId("notifications")).ToContainTextAsync($"Bob Researcher joined {name}");
        await dave.ScreenshotAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, "notifications.png"), FullPage = true });
    }

    [GeneratedRegex("/vos/[0-9a-f-]{36}$")]
    private static partial Regex VoPage();

    [GeneratedRegex("^http://localhost:\\d+/invitations/[A-Za-z0-9_-]{43}$")]
    private static partial Regex InvitationUrl();
}
