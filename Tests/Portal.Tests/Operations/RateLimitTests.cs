using System.Net;
using System.Text.Json;
using Portal.Features.Demo;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Operations;

/// <summary>The demo portal with a tight API limit, so a test can reach it.</summary>
public sealed class TightlyLimitedPortalFactory : PortalFactory
{
    protected override bool SeedDemo => true;

    protected override IEnumerable<KeyValuePair<string, string>> ExtraSettings => [new("RateLimits:Api:PermitsPerMinute", "5")];
}

public sealed class RateLimitTests(TightlyLimitedPortalFactory portal) : IClassFixture<TightlyLimitedPortalFactory>
{
    private static readonly Uri Me = new("/api/me", UriKind.Relative);

    [Fact]
    public async Task Past_the_limit_a_person_gets_429_with_retry_after_and_others_are_unaffected()
    {
        using var bob = portal.CreateBrowserClient();
        await DemoSession.SignInAsync(bob, DemoSeed.Bob);
        for (var i = 0; i < 5; i++)
        {
            using var ok = await bob.GetAsync(Me);
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using var limited = await bob.GetAsync(Me);

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(limited.Headers.RetryAfter?.Delta is { TotalSeconds: >= 1 and <= 60 }, $"Retry-After: {limited.Headers.RetryAfter}");
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await limited.Content.ReadAsStringAsync());
        Assert.True(problem.RootElement.GetProperty("retryAfterSeconds").GetInt32() >= 1);

        using var alice = portal.CreateBrowserClient();
        await DemoSession.SignInAsync(alice, DemoSeed.Alice);
        using var other = await alice.GetAsync(Me);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }
}
