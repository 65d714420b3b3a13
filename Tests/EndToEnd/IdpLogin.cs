using Microsoft.Playwright;

namespace Portal.EndToEnd;

/// <summary>A person signing in as people do: the portal's sign-in page, their institution's SimpleSAMLphp form, back.</summary>
public static class IdpLogin
{
    /// <summary>The demo people: display name → (institution, login). Passwords are "&lt;login&gt;-demo".</summary>
    public static readonly IReadOnlyDictionary<string, (string Institution, string Login)> People = new Dictionary<string, (string, string)>
    {
        ["Alice Owner"] = ("hospital", "alice"),
        ["Carol Steward"] = ("hospital", "carol"),
        ["Bob Researcher"] = ("university", "bob"),
        ["Dave Admin"] = ("university", "dave"),
    };

    /// <summary>From the portal's sign-in page (already open) through the institution's login form and back.</summary>
    public static async Task SignInAsync(IPage page, string institution, string login)
    {
        ArgumentNullException.ThrowIfNull(page);
        await page.Locator($"a[href*='idp%2F{institution}']").ClickAsync();
        await page.Locator("input[name=username]").FillAsync(login);
        await page.Locator("input[name=password]").FillAsync($"{login}-demo");
        await page.Locator("button[type=submit], input[type=submit]").First.ClickAsync();
    }

    public static Task SignInAsync(IPage page, string displayName) =>
        SignInAsync(page, People[displayName].Institution, People[displayName].Login);
}
