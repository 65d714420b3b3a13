using System.Net;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Foundation;

public sealed class HealthTests(PortalFactory portal) : IClassFixture<PortalFactory>
{
    [Fact]
    public async Task Live_answers_without_sign_in()
    {
        using var client = portal.CreateClient();
        using var response = await client.GetAsync(new Uri("/health/live", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Ready_when_the_database_is_reachable_and_migrated_and_the_policy_loaded()
    {
        using var client = portal.CreateClient();
        await portal.PolicyLoadedAsync();
        using var response = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("reachable and migrated", body, StringComparison.Ordinal);
    }
}

public sealed class UnmigratedHealthTests(UnmigratedPortalFactory portal) : IClassFixture<UnmigratedPortalFactory>
{
    [Fact]
    public async Task Not_ready_while_migrations_are_missing()
    {
        using var client = portal.CreateClient();
        using var response = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("migration(s) not applied", body, StringComparison.Ordinal);
        Assert.Contains("policy not loaded yet", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Live_even_while_not_ready()
    {
        using var client = portal.CreateClient();
        using var response = await client.GetAsync(new Uri("/health/live", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
