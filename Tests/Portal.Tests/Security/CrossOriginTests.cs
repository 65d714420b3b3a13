using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Portal.Features.Demo;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Security;

/// <summary>Cookie-authenticated state changes from another origin (even a same-site one) are refused and change nothing.</summary>
public sealed class CrossOriginTests(DemoPortalFactory portal) : IClassFixture<DemoPortalFactory>
{
    private static readonly string[] CatalogueOnly = ["catalogue:read"];

    private static Uri Withdraw => new($"/api/access-requests/{DemoSeed.BobAdmissionsRequest}/withdraw", UriKind.Relative);

    private static async Task<string> RequestStatusAsync(HttpClient bob)
    {
        var request = await bob.GetFromJsonAsync<JsonElement>(new Uri($"/api/access-requests/{DemoSeed.BobAdmissionsRequest}", UriKind.Relative));
        return request.GetProperty("status").GetString()!;
    }

    private static HttpRequestMessage Post(Uri uri, string? origin, string? fetchSite)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, uri);
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }
        if (fetchSite is not null)
        {
            request.Headers.Add("Sec-Fetch-Site", fetchSite);
        }
        return request;
    }

    [Theory]
    [InlineData("http://evil.example", "cross-site")]
    [InlineData("http://localhost:8999", "same-site")]
    [InlineData("http://evil.example", null)]
    [InlineData(null, "same-site")]
    public async Task A_bodiless_post_with_the_session_cookie_from_another_origin_is_refused(string? origin, string? fetchSite)
    {
        using var bob = portal.CreateBrowserClient();
        await DemoSession.SignInAsync(bob, DemoSeed.Bob);
        var before = await RequestStatusAsync(bob);

        using var withdraw = await bob.SendAsync(Post(Withdraw, origin, fetchSite));
        using var readAll = await bob.SendAsync(Post(new Uri("/api/notifications/read-all", UriKind.Relative), origin, fetchSite));

        Assert.Equal(HttpStatusCode.Forbidden, withdraw.StatusCode);
        Assert.Equal("request.cross_origin", await ProblemCode.OfAsync(withdraw));
        Assert.Equal(HttpStatusCode.Forbidden, readAll.StatusCode);
        Assert.Equal("request.cross_origin", await ProblemCode.OfAsync(readAll));
        Assert.Equal(before, await RequestStatusAsync(bob));
    }

    [Fact]
    public async Task The_portal_own_origin_and_bearer_tokens_are_not_refused()
    {
        using var bob = portal.CreateBrowserClient();
        await DemoSession.SignInAsync(bob, DemoSeed.Bob);
        using var own = await bob.SendAsync(Post(new Uri("/api/notifications/read-all", UriKind.Relative), "http://localhost", "same-origin"));
        Assert.True(own.IsSuccessStatusCode, $"own origin: {own.StatusCode}");

        using var created = await bob.PostAsJsonAsync(new Uri("/api/tokens", UriKind.Relative), new { name = "cli", scopes = CatalogueOnly, expiresInDays = 1 });
        var value = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("value").GetString();
        using var script = portal.CreateClient();
        script.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", value);
        using var tokenPost = await script.SendAsync(Post(new Uri("/api/notifications/read-all", UriKind.Relative), "http://evil.example", "cross-site"));
        Assert.NotEqual("request.cross_origin", tokenPost.Content.Headers.ContentType?.MediaType == "application/problem+json"
            ? await ProblemCode.OfAsync(tokenPost) : null);
    }
}
