using System.Net;
using System.Net.Http.Json;
using Portal.Features.Demo;
using Portal.Features.Tokens;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Security;

/// <summary>A person's live tokens are capped; every page sends one CSP with a script-src.</summary>
public sealed class TokenAndCspTests(DemoPortalFactory portal) : IClassFixture<DemoPortalFactory>
{
    private static readonly string[] CatalogueOnly = ["catalogue:read"];

    [Fact]
    public async Task Token_creation_stops_at_the_cap_of_live_tokens()
    {
        using var alice = portal.CreateBrowserClient();
        await DemoSession.SignInAsync(alice, DemoSeed.Alice);
        for (var i = 0; i < CreateToken.MaxLivePerPerson; i++)
        {
            using var ok = await alice.PostAsJsonAsync(new Uri("/api/tokens", UriKind.Relative), new { name = $"t{i}", scopes = CatalogueOnly, expiresInDays = 1 });
            Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
        }
        using var refused = await alice.PostAsJsonAsync(new Uri("/api/tokens", UriKind.Relative), new { name = "one more", scopes = CatalogueOnly, expiresInDays = 1 });
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("token.limit_reached", await ProblemCode.OfAsync(refused));
    }

    [Theory]
    [InlineData("/signin", false)]
    [InlineData("/", true)]
    [InlineData("/vos", true)]
    public async Task A_page_sends_one_csp_with_a_tight_script_src(string path, bool signedIn)
    {
        using var client = portal.CreateBrowserClient();
        if (signedIn)
        {
            await DemoSession.SignInAsync(client, DemoSeed.Bob);
        }
        using var page = await client.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var csp = Assert.Single(page.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self';", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
    }
}
