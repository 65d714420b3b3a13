using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Portal.Features.Demo;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Security;

/// <summary>Issuers and URLs come from configuration (here Saml:BaseUrl = http://localhost), never from the Host header.</summary>
public sealed class PublicAddressTests(DemoPortalFactory portal) : IClassFixture<DemoPortalFactory>
{
    private static readonly string[] PermissionsRead = ["permissions:read"];

    [Fact]
    public async Task A_forged_host_header_does_not_reach_the_visas()
    {
        using var bob = portal.CreateBrowserClient();
        await DemoSession.SignInAsync(bob, DemoSeed.Bob);
        using var created = await bob.PostAsJsonAsync(new Uri("/api/tokens", UriKind.Relative), new { name = "passport", scopes = PermissionsRead, expiresInDays = 1 });
        var value = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("value").GetString();
        using var client = portal.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", value);

        // The test server takes the Host header from the request URI.
        var passport = await client.GetFromJsonAsync<JsonElement>(new Uri("http://evil.example/api/permissions/me"));

        var visas = passport.GetProperty("ga4gh_passport_v1").EnumerateArray().Select(v => v.GetString()!).ToList();
        Assert.NotEmpty(visas);
        foreach (var visa in visas)
        {
            var parts = visa.Split('.');
            var header = Decode(parts[0]);
            var payload = Decode(parts[1]);
            Assert.DoesNotContain("evil.example", header + payload, StringComparison.Ordinal);
            using var claims = JsonDocument.Parse(payload);
            Assert.Equal("http://localhost", claims.RootElement.GetProperty("iss").GetString());
            Assert.Equal("http://localhost", claims.RootElement.GetProperty("ga4gh_visa_v1").GetProperty("source").GetString());
        }
    }

    private static string Decode(string part)
    {
        var s = part.Replace('-', '+').Replace('_', '/');
        return Encoding.UTF8.GetString(Convert.FromBase64String(s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '=')));
    }
}

/// <summary>Outside Development only the public URL's host (and loopback) is served.</summary>
public sealed class HostFilteringTests(ProductionPortalFactory portal) : IClassFixture<ProductionPortalFactory>
{
    [Fact]
    public async Task A_foreign_host_is_refused_outside_development()
    {
        using var client = portal.CreateClient();
        using var foreign = await client.GetAsync(new Uri("http://evil.example/health/live"));
        Assert.Equal(HttpStatusCode.BadRequest, foreign.StatusCode);
        using var own = await client.GetAsync(new Uri("http://localhost/health/live"));
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
    }
}

/// <summary>The OIDC challenge's redirect_uri is the configured public URL's, whatever Host the request named.</summary>
public sealed class OidcReturnUrlTests(Portal.Tests.SignIn.Oidc.OidcPortalFactory portal) : IClassFixture<Portal.Tests.SignIn.Oidc.OidcPortalFactory>
{
    [Fact]
    public async Task A_forged_host_header_does_not_reach_the_oidc_return_url()
    {
        using var client = portal.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });
        using var response = await client.GetAsync(new Uri("http://evil.example/oidc/login?provider=test"));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var query = System.Web.HttpUtility.ParseQueryString(response.Headers.Location!.Query);
        Assert.Equal("http://localhost/signin-oidc-test", query["redirect_uri"]);
    }
}
