using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Demo;
using Portal.Tests.Datasets;

namespace Portal.Tests.Datasets.Conditions;

public sealed class ProfileChangePortalFactory : DatasetsPortalFactory;

/// <summary>A new anonymization profile applies at once: live grants move to its version, their people are told.</summary>
public sealed class ProfileChangeTests(ProfileChangePortalFactory portal) : IClassFixture<ProfileChangePortalFactory>
{
    [Fact]
    public async Task Changing_the_profile_moves_live_grants_to_its_version_and_tells_the_grantees()
    {
        using var alice = await portal.SignedInAsync(DemoSeed.Alice);
        int before;
        await using (var db = portal.CreateDb())
        {
            before = (await db.Datasets.AsNoTracking().SingleAsync(d => d.Id == DemoSeed.PatientsDataset)).ProfileVersion;
        }
        var profile = DemoSeed.DemoProfile().Replace("\"hospital-patients\"", "\"hospital-patients-stricter\"", StringComparison.Ordinal);
        Assert.NotEqual(DemoSeed.DemoProfile(), profile);

        using var response = await alice.PutAsJsonAsync(new Uri($"/api/datasets/{DemoSeed.PatientsDataset}/conditions", UriKind.Relative), new { anonymizationProfile = profile });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var check = portal.CreateDb();
        var version = (await check.Datasets.AsNoTracking().SingleAsync(d => d.Id == DemoSeed.PatientsDataset)).ProfileVersion;
        Assert.Equal(before + 1, version);
        Assert.Equal(version, (await check.Grants.AsNoTracking().SingleAsync(g => g.Id == DemoSeed.BobPatientsGrant)).ProfileVersion);
        Assert.True(await check.Notifications.AnyAsync(n => n.UserId == DemoSeed.Bob && n.Kind == "dataset.profile_changed"));
        var audit = await check.AuditEvents.AsNoTracking().Where(e => e.DatasetId == DemoSeed.PatientsDataset && e.Type == "dataset.conditions_changed").OrderBy(e => e.Id).LastAsync();
        Assert.Equal(1, audit.Details!.RootElement.GetProperty("grantsOnNewProfile").GetInt32());

        // The engine's obligation names the profile the connector now applies, on this instance before the answer.
        using var bob = await portal.SignedInAsync(DemoSeed.Bob);
        var explained = await bob.GetFromJsonAsync<JsonElement>(new Uri($"/api/datasets/{DemoSeed.PatientsDataset}/access/explain?purpose=DS:HIV&ethics=UNI-IRB-2026-117", UriKind.Relative));
        Assert.Equal("Permit", explained.GetProperty("decision").GetString());
        Assert.Equal(version, explained.GetProperty("obligations").GetProperty("profileVersion").GetInt32());
    }
}
