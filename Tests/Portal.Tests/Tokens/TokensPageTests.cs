using System.Net;
using Portal.Features.Demo;
using Portal.Kernel;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Tokens;

/// <summary>/tokens, prerendered: the page offers every scope a token can have, from the one list, and no other.</summary>
public sealed class TokensPageTests(DemoPortalFactory portal) : IClassFixture<DemoPortalFactory>
{
    [Fact]
    public async Task The_page_offers_every_scope_of_the_one_list()
    {
        await portal.PolicyLoadedAsync();
        using var client = portal.CreateBrowserClient();
        await DemoSession.SignInAsync(client, DemoSeed.Bob);
        using var response = await client.GetAsync(new Uri("/tokens", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        foreach (var scope in Scopes.All)
        {
            Assert.Contains($"{scope} — {Scopes.Describe(scope)}", html, StringComparison.Ordinal);
        }
        Assert.DoesNotContain("audit:read", html, StringComparison.Ordinal);
    }
}
