using Microsoft.Extensions.DependencyInjection;
using Portal.Features.SignIn.Saml;

namespace Portal.Tests.SignIn.Federation;

/// <summary>The background refresher on a portal of its own, so its clock and schedule are this test's alone.</summary>
public sealed class FederationScheduleTests(RefreshPortalFactory portal) : IClassFixture<RefreshPortalFactory>
{
    private SamlIdentityProviders Idps => portal.Services.GetRequiredService<SamlIdentityProviders>();

    private FederationRefresher Refresher => portal.Services.GetRequiredService<FederationRefresher>();

    [Fact]
    public async Task The_refresher_fetches_again_at_half_the_remaining_validity()
    {
        // The portal started with an aggregate valid for 14 days; nothing else has touched this portal's clock.
        var now = portal.Clock.GetUtcNow();
        Assert.Equal(TimeSpan.FromDays(14), Idps.Aggregate("test")!.ValidUntil - now);
        var due = (await FederationRefreshTests.EventuallyAsync(() => Refresher.NextAttempt("test"))).GetValueOrDefault();
        Assert.Equal(TimeSpan.FromDays(7), due - now);

        var next = TestAggregate.Generate(21, due + TimeSpan.FromDays(14)).SignedBytes();
        await File.WriteAllBytesAsync(portal.AggregatePath, next);
        portal.Clock.Advance(due - now);
        await FederationRefreshTests.EventuallyAsync(() => Idps.Find(TestAggregate.Generated(21).EntityId));
        Assert.Equal(due + TimeSpan.FromDays(14), Idps.Aggregate("test")!.ValidUntil);
    }
}
