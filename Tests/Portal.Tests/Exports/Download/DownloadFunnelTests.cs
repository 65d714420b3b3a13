using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Demo;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Exports.Download;

public sealed class DownloadFunnelPortalFactory : HospitalPortalFactory;

/// <summary>The download page says how many rows the last file held and why, with the figures its manifest recorded.</summary>
public sealed partial class DownloadFunnelTests(DownloadFunnelPortalFactory portal) : IClassFixture<DownloadFunnelPortalFactory>
{
    [Fact]
    public async Task After_a_download_the_page_shows_the_funnel_of_that_file_from_its_manifest()
    {
        await portal.PolicyLoadedAsync();
        using var bob = portal.CreateBrowserClient();
        await DemoSession.SignInAsync(bob, DemoSeed.Bob);
        var page = new Uri($"/datasets/{DemoSeed.PatientsDataset}", UriKind.Relative);
        Assert.DoesNotContain("data-testid=\"funnel\"", await bob.GetStringAsync(page), StringComparison.Ordinal);

        using (var export = await bob.GetAsync(new Uri($"/api/datasets/{DemoSeed.PatientsDataset}/export?purpose=DS:HIV&ethics=UNI-IRB-2026-117&format=csv", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, export.StatusCode);
            await export.Content.ReadAsByteArrayAsync();
        }
        await using var db = portal.CreateDb();
        var manifest = (await db.AuditEvents.AsNoTracking()
            .Where(e => e.ActorUserId == DemoSeed.Bob && e.DatasetId == DemoSeed.PatientsDataset && e.Type == "export.completed")
            .OrderByDescending(e => e.Id).FirstAsync()).Details!.RootElement;

        var html = WebUtility.HtmlDecode(await bob.GetStringAsync(page));

        string N(string name) => manifest.GetProperty(name).GetInt64().ToString("N0", CultureInfo.InvariantCulture);
        Assert.Contains($"held {N("rowsWritten")} of {N("rowsRead")} rows", html, StringComparison.Ordinal);
        Assert.Matches(Item("funnel-delivered", $"{N("rowsWritten")} delivered"), html);
        Assert.Matches(Item("funnel-consent", $"{N("rowsFilteredByConsent")} left out"), html);
        Assert.Matches(Item("funnel-suppressed", $"{N("rowsSuppressed")} suppressed: in {N("equivalenceClassesSuppressed")} groups of fewer than\\s+5 people"), html);
        // The funnel adds up: nothing is unaccounted for.
        Assert.Equal(manifest.GetProperty("rowsRead").GetInt64(),
            manifest.GetProperty("rowsWritten").GetInt64() + manifest.GetProperty("rowsSuppressed").GetInt64() + manifest.GetProperty("rowsFilteredByConsent").GetInt64());
    }

    [Fact]
    public async Task The_owner_is_told_once_a_day_when_an_export_delivers_less_than_the_share_her_profile_names()
    {
        await portal.PolicyLoadedAsync();
        using var alice = portal.CreateBrowserClient();
        await DemoSession.SignInAsync(alice, DemoSeed.Alice);
        var profile = DemoSeed.DemoProfile().Replace("\"k\": 5,", "\"k\": 5, \"warnBelowDeliveredShare\": 0.99,", StringComparison.Ordinal);
        Assert.NotEqual(DemoSeed.DemoProfile(), profile);
        using (var set = await alice.PutAsJsonAsync(new Uri($"/api/datasets/{DemoSeed.PatientsDataset}/conditions", UriKind.Relative), new { anonymizationProfile = profile }))
        {
            Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        }
        using var bob = portal.CreateBrowserClient();
        await DemoSession.SignInAsync(bob, DemoSeed.Bob);

        for (var i = 0; i < 2; i++)
        {
            using var export = await bob.GetAsync(new Uri($"/api/datasets/{DemoSeed.PatientsDataset}/export?purpose=DS:HIV&ethics=UNI-IRB-2026-117&format=csv", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, export.StatusCode);
            await export.Content.ReadAsByteArrayAsync();
        }

        await using var db = portal.CreateDb();
        var notice = Assert.Single(await db.Notifications.AsNoTracking().Where(n => n.UserId == DemoSeed.Alice && n.Kind == "dataset.low_delivery").ToListAsync());
        Assert.Contains("groups smaller than k = 5", notice.Body, StringComparison.Ordinal);
        Assert.False(await db.Notifications.AnyAsync(n => n.UserId == DemoSeed.Bob && n.Kind == "dataset.low_delivery"));
    }

    private static Regex Item(string testId, string text) => new($"data-testid=\"{testId}\"><span[^>]*></span>{text}");
}
