using System.Net;
using Portal.Features.Demo;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Access;

/// <summary>The pages render (prerendered, through the same services) for the people they are for, and refuse the others.</summary>
public sealed class GrantPagesTests(DemoPortalFactory portal) : IClassFixture<DemoPortalFactory>
{
    [Theory]
    [InlineData("bob", "/access-requests/new/0b7f2c1e-0000-4000-8000-000000000201", "HIV clinic patients")]
    [InlineData("bob", "/access-requests", "Recent admissions (2020 onwards)")]
    [InlineData("bob", "/grants", "HIV clinic patients")]
    [InlineData("bob", "/researcher", "Request access")]
    [InlineData("alice", "/access-requests/inbox", "Bob Researcher")]
    [InlineData("carol", "/grants/datasets/0b7f2c1e-0000-4000-8000-000000000201", "Bob Researcher")]
    [InlineData("bob", "/grants/datasets/0b7f2c1e-0000-4000-8000-000000000201", "Only the owner or a steward")]
    public async Task A_page_shows_what_the_service_gives_the_caller(string who, string path, string expected)
    {
        var user = who switch { "alice" => DemoSeed.Alice, "carol" => DemoSeed.Carol, _ => DemoSeed.Bob };
        using var client = await AccessWorld.AsAsync(portal, user);
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.Contains(expected, html, StringComparison.Ordinal);
    }
}
