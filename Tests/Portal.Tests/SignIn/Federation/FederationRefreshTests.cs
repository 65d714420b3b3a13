using Microsoft.Extensions.DependencyInjection;
using Portal.Features.SignIn.Saml;

namespace Portal.Tests.SignIn.Federation;

/// <summary>
/// A running portal refreshing its federation: a refused refresh keeps the copy in use and the one on disk; a good
/// one replaces both; the schedule is half the remaining validity; an expired copy is dropped.
/// </summary>
public sealed class FederationRefreshTests(RefreshPortalFactory portal) : IClassFixture<RefreshPortalFactory>
{
    private SamlIdentityProviders Idps => portal.Services.GetRequiredService<SamlIdentityProviders>();

    private FederationRefresher Refresher => portal.Services.GetRequiredService<FederationRefresher>();

    private FederationSource Source => portal.Services.GetRequiredService<SamlSettings>().Federations.Single();

    /// <summary>Puts a fresh good aggregate in place (tests share the factory, and its clock only moves forward).</summary>
    private async Task<byte[]> FreshAsync(int count, TimeSpan validity)
    {
        var bytes = TestAggregate.Generate(count, portal.Clock.GetUtcNow() + validity).SignedBytes();
        await File.WriteAllBytesAsync(portal.AggregatePath, bytes);
        var result = await Refresher.RefreshAsync(Source, CancellationToken.None);
        Assert.True(result.Succeeded, result.Code);
        return bytes;
    }

    [Fact]
    public async Task A_refused_refresh_keeps_the_last_good_copy_in_use_and_on_disk()
    {
        var good = await FreshAsync(20, TimeSpan.FromDays(14));
        Assert.Equal(good, await File.ReadAllBytesAsync(portal.CachePath));

        // One byte changed in an entity.
        var text = System.Text.Encoding.UTF8.GetString(good);
        await File.WriteAllTextAsync(portal.AggregatePath, text.Replace("Institution 0003", "Institution 0008", StringComparison.Ordinal));
        var tampered = await Refresher.RefreshAsync(Source, CancellationToken.None);
        Assert.False(tampered.Succeeded);
        Assert.Equal("federation.signature.invalid", tampered.Code);
        Assert.NotNull(Idps.Find(TestAggregate.Generated(3).EntityId));
        Assert.Equal(good, await File.ReadAllBytesAsync(portal.CachePath));

        File.Delete(portal.AggregatePath);
        var missing = await Refresher.RefreshAsync(Source, CancellationToken.None);
        Assert.Equal(FederationReasons.SourceUnreadable, missing.Code);
        Assert.Equal(20, Idps.Aggregate("test")!.Providers.Count);
        Assert.Equal(good, await File.ReadAllBytesAsync(portal.CachePath));

        // A good one later replaces both, and the write left no temporary file behind.
        var newer = await FreshAsync(25, TimeSpan.FromDays(20));
        Assert.NotNull(Idps.Find(TestAggregate.Generated(25).EntityId));
        Assert.Equal(newer, await File.ReadAllBytesAsync(portal.CachePath));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(portal.CachePath)!, "*.tmp"));
    }

    [Fact]
    public async Task When_the_copy_in_use_expires_without_a_good_refresh_its_idps_are_no_longer_trusted()
    {
        await FreshAsync(20, TimeSpan.FromHours(2));
        await File.WriteAllTextAsync(portal.AggregatePath, "<not-metadata/>");
        var before = await Refresher.RefreshAsync(Source, CancellationToken.None);
        Assert.Equal(FederationReasons.Root, before.Code);
        Assert.NotNull(Idps.Find(TestAggregate.Generated(1).EntityId));

        portal.Clock.Advance(TimeSpan.FromHours(2));
        var after = await Refresher.RefreshAsync(Source, CancellationToken.None);
        Assert.False(after.Succeeded);
        Assert.Null(Idps.Find(TestAggregate.Generated(1).EntityId));
        Assert.NotNull(Idps.Find(Portal.Features.Demo.DemoSeed.HospitalIdp)); // single-entity IdPs are unaffected

        await FreshAsync(20, TimeSpan.FromDays(14)); // leave the federation usable for the other tests
    }

    internal static async Task<T> EventuallyAsync<T>(Func<T?> probe)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            if (probe() is { } value)
            {
                return value;
            }
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting");
            await Task.Delay(20);
        }
    }
}
