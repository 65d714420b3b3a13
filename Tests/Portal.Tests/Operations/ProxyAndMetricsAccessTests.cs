using System.Net;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Operations;

/// <summary>
/// Behind nginx the portal takes the browser's scheme and address from X-Forwarded-* only when the proxy is one it was
/// told to trust; /metrics answers loopback and the configured scraper networks, and is "not found" for everyone else.
/// </summary>
public sealed class ProxyAndMetricsAccessTests(ProxiedPortalFactory proxied, DirectPortalFactory direct)
    : IClassFixture<ProxiedPortalFactory>, IClassFixture<DirectPortalFactory>
{
    private static async Task<HttpStatusCode> MetricsStatusAsync(PortalFactory portal, string? from, string? forwardedFor = null)
    {
        using var client = portal.CreateBrowserClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        if (from is not null)
        {
            request.Headers.Add(RemoteAddressPortalFactory.Header, from);
        }
        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>The SAML binding cookie is Secure exactly when the portal believes the request came over https.</summary>
    private static async Task<bool> SignInCookieIsSecureAsync(PortalFactory portal, string from)
    {
        using var client = portal.CreateBrowserClient();
        using var request = new HttpRequestMessage(HttpMethod.Get,
            $"/saml/login?idp={Uri.EscapeDataString(TestFederation.Hospital.EntityId)}&returnUrl=/");
        request.Headers.Add(RemoteAddressPortalFactory.Header, from);
        request.Headers.Add("X-Forwarded-Proto", "https");
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(Portal.Features.SignIn.Saml.PendingSignInStore.BindingCookie + "=", StringComparison.Ordinal));
        return cookie.Contains("secure", StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_trusted_proxy_tells_the_portal_that_the_browser_used_https()
    {
        Assert.True(await SignInCookieIsSecureAsync(proxied, ProxiedPortalFactory.Proxy));
    }

    [Fact]
    public async Task Forwarded_headers_from_anyone_else_are_ignored()
    {
        Assert.False(await SignInCookieIsSecureAsync(proxied, "203.0.113.9"));
        // Off by default: with no trusted proxy configured, not even a private address is believed.
        Assert.False(await SignInCookieIsSecureAsync(direct, ProxiedPortalFactory.Proxy));
    }

    [Fact]
    public async Task Metrics_are_served_to_loopback_and_the_configured_scraper_network_only()
    {
        Assert.Equal(HttpStatusCode.OK, await MetricsStatusAsync(direct, "127.0.0.1"));
        Assert.Equal(HttpStatusCode.OK, await MetricsStatusAsync(direct, "::1"));
        Assert.Equal(HttpStatusCode.NotFound, await MetricsStatusAsync(direct, "192.0.2.10"));
        Assert.Equal(HttpStatusCode.NotFound, await MetricsStatusAsync(direct, "203.0.113.9"));

        Assert.Equal(HttpStatusCode.OK, await MetricsStatusAsync(proxied, "192.0.2.10"));
        Assert.Equal(HttpStatusCode.NotFound, await MetricsStatusAsync(proxied, "203.0.113.9"));
    }

    [Fact]
    public async Task Metrics_access_follows_the_browser_address_a_trusted_proxy_reports_and_cannot_be_spoofed()
    {
        // Through the proxy, the caller is who the proxy says: a scraper inside, a stranger outside.
        Assert.Equal(HttpStatusCode.OK, await MetricsStatusAsync(proxied, ProxiedPortalFactory.Proxy, forwardedFor: "192.0.2.10"));
        Assert.Equal(HttpStatusCode.NotFound, await MetricsStatusAsync(proxied, ProxiedPortalFactory.Proxy, forwardedFor: "203.0.113.9"));
        // A stranger claiming to be local is not believed.
        Assert.Equal(HttpStatusCode.NotFound, await MetricsStatusAsync(proxied, "203.0.113.9", forwardedFor: "127.0.0.1"));
        Assert.Equal(HttpStatusCode.NotFound, await MetricsStatusAsync(direct, "203.0.113.9", forwardedFor: "127.0.0.1"));
    }
}
