using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Demo;

namespace Portal.Tests.Datasets.Sharing;

/// <summary>Sharing into VO catalogues and taking datasets out of them: ShareDataset, UnshareDataset.</summary>
public sealed class ShareDatasetTests(DatasetsPortalFactory portal) : IClassFixture<DatasetsPortalFactory>
{
    private static Uri U(string path) => new(path, UriKind.Relative);

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.Clone();
    }

    [Fact]
    public async Task Sharing_into_a_vo_the_owner_is_not_a_member_of_is_refused()
    {
        using var bob = await portal.SignedInAsync(DemoSeed.Bob);
        using var created = await bob.PostAsJsonAsync(U("/api/vos"), new { name = "Bob's lab " + Guid.NewGuid().ToString("N") });
        var voId = (await JsonAsync(created, HttpStatusCode.Created)).GetProperty("id").GetGuid();
        using var alice = await portal.SignedInAsync(DemoSeed.Alice);
        var id = await portal.RegisterPatientsAsync(alice);

        using var response = await alice.PostAsJsonAsync(U($"/api/datasets/{id}/shares"), new { voId });

        await DatasetProblem.AssertAsync(response, HttpStatusCode.Forbidden, "dataset.share.not_member");
        await using var db = portal.CreateDb();
        Assert.False(await db.DatasetShares.AnyAsync(s => s.DatasetId == id));
    }

    [Fact]
    public async Task An_admin_of_the_vo_may_take_a_dataset_out_of_its_catalogue_and_a_plain_member_may_not()
    {
        using var alice = await portal.SignedInAsync(DemoSeed.Alice);
        var id = await portal.RegisterPatientsAsync(alice);
        using (var share = await alice.PostAsJsonAsync(U($"/api/datasets/{id}/shares"), new { voId = DemoSeed.CohortVo }))
        {
            await JsonAsync(share);
        }

        using var bob = await portal.SignedInAsync(DemoSeed.Bob);
        using (var member = await bob.DeleteAsync(U($"/api/datasets/{id}/shares/{DemoSeed.CohortVo}")))
        {
            await DatasetProblem.AssertAsync(member, HttpStatusCode.NotFound, "dataset.not_found");
        }
        using var dave = await portal.SignedInAsync(DemoSeed.Dave);
        using (var admin = await dave.DeleteAsync(U($"/api/datasets/{id}/shares/{DemoSeed.CohortVo}")))
        {
            Assert.Equal(HttpStatusCode.NoContent, admin.StatusCode);
        }

        await using var db = portal.CreateDb();
        Assert.False(await db.DatasetShares.AnyAsync(s => s.DatasetId == id));
        Assert.True(await db.AuditEvents.AnyAsync(e => e.DatasetId == id && e.Type == "dataset.unshared" && e.ActorUserId == DemoSeed.Dave));
        Assert.True(await db.Notifications.AnyAsync(n => n.UserId == DemoSeed.Alice && n.Kind == "dataset.unshared"));
    }

    [Fact]
    public async Task For_the_policy_engine_a_shared_draft_is_in_no_catalogue_until_it_is_activated()
    {
        using var alice = await portal.SignedInAsync(DemoSeed.Alice);
        var id = await portal.RegisterPatientsAsync(alice);
        using (var share = await alice.PostAsJsonAsync(U($"/api/datasets/{id}/shares"), new { voId = DemoSeed.CohortVo }))
        {
            await JsonAsync(share);
        }
        using var bob = await portal.SignedInAsync(DemoSeed.Bob);
        using var view = await bob.GetAsync(U($"/api/datasets/{id}/access/explain?action=view&purpose=HMB"));
        Assert.Equal("Deny", (await JsonAsync(view)).GetProperty("decision").GetString());

        await using (var db = portal.CreateDb())
        {
            var d = await db.Datasets.SingleAsync(x => x.Id == id);
            d.Status = DatasetStatus.Active;
            await db.SaveChangesAsync();
        }
        // The trigger's NOTIFY reaches the engine within milliseconds.
        var decision = "";
        for (var i = 0; i < 50 && decision != "Permit"; i++)
        {
            await Task.Delay(100);
            using var again = await bob.GetAsync(U($"/api/datasets/{id}/access/explain?action=view&purpose=HMB"));
            decision = (await JsonAsync(again)).GetProperty("decision").GetString()!;
        }
        Assert.Equal("Permit", decision);
    }
}
