using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Demo;
using Portal.Tests.Infrastructure;
using Portal.Tests.VirtualOrganizations;

namespace Portal.Tests.Grants;

/// <summary>Grants through the API: revocation in force at once, direct grants and who they reach, extension.</summary>
public sealed class GrantFlowTests(DemoPortalFactory portal) : IClassFixture<DemoPortalFactory>
{
    private static readonly string[] Hiv = ["DS:HIV"];
    private static readonly string[] Gru = ["GRU"];

    private DateTimeOffset Now => portal.Clock.GetUtcNow();

    private static Uri Export(Guid dataset) => new($"/api/datasets/{dataset}/export?purpose=DS:HIV&ethics=IRB-1&format=csv", UriKind.Relative);

    [Fact]
    public async Task A_revocation_denies_the_export_as_soon_as_it_is_answered_and_ends_the_grant_in_bobs_list()
    {
        var dataset = await GrantWorld.DatasetAsync(portal);
        using var bob = await GrantWorld.AsAsync(portal, DemoSeed.Bob);
        using var alice = await GrantWorld.AsAsync(portal, DemoSeed.Alice);
        var requestId = (await GrantWorld.CreatedRequestAsync(bob, GrantWorld.Request(dataset, Now))).GetProperty("id").GetGuid();
        using var approved = await alice.PostAsJsonAsync($"/api/access-requests/{requestId}/approve", new { });
        var grantId = (await approved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("grantId").GetGuid();

        // Permitted: the export gets past the policy (and stops at the missing profile, 409), right after the approval answered.
        using (var permitted = await bob.GetAsync(Export(dataset)))
        {
            Assert.Equal(HttpStatusCode.Conflict, permitted.StatusCode);
        }

        using var noReason = await alice.PostAsJsonAsync($"/api/grants/{grantId}/revoke", new { reason = "" });
        await ApiProblem.AssertAsync(noReason, HttpStatusCode.BadRequest, "reason");
        using var byBob = await bob.PostAsJsonAsync($"/api/grants/{grantId}/revoke", new { reason = "mine" });
        Assert.Equal(HttpStatusCode.Forbidden, byBob.StatusCode);

        using var revoked = await alice.PostAsJsonAsync($"/api/grants/{grantId}/revoke", new { reason = "Data breach at the university." });
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        Assert.Equal("Revoked", (await revoked.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        using (var denied = await bob.GetAsync(Export(dataset)))
        {
            Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
            var problem = await denied.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Contains(problem.GetProperty("reasons").EnumerateArray(), r => r.GetProperty("code").GetString() == "grant.revoked");
        }
        using var twice = await alice.PostAsJsonAsync($"/api/grants/{grantId}/revoke", new { reason = "again" });
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);

        var live = await bob.GetFromJsonAsync<JsonElement>("/api/grants/mine");
        Assert.DoesNotContain(live.EnumerateArray(), g => g.GetProperty("id").GetGuid() == grantId);
        var all = await bob.GetFromJsonAsync<JsonElement>("/api/grants/mine?includeEnded=true");
        Assert.Equal("Revoked", all.EnumerateArray().Single(g => g.GetProperty("id").GetGuid() == grantId).GetProperty("status").GetString());

        await using var db = portal.CreateDb();
        var audit = Assert.Single(await db.AuditEvents.Where(e => e.GrantId == grantId && e.Type == "grant.revoked").ToListAsync());
        Assert.Equal((DemoSeed.Alice, "Data breach at the university."), (audit.ActorUserId!.Value, audit.Reason));
        Assert.Single(await db.Notifications.Where(n => n.UserId == DemoSeed.Bob && n.Kind == "grant.revoked" && n.Body.Contains("Data breach")).ToListAsync());
    }

    [Fact]
    public async Task Direct_grants_to_a_vo_a_role_and_an_institution_reach_exactly_the_people_they_cover()
    {
        var dataset = await GrantWorld.DatasetAsync(portal);
        var vo = await GrantWorld.VoAsync(portal, dataset);
        using var alice = await GrantWorld.AsAsync(portal, DemoSeed.Alice);
        async Task<Guid> GrantAsync(object body)
        {
            using var response = await alice.PostAsJsonAsync("/api/grants", body);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.Created, text);
            return JsonDocument.Parse(text).RootElement.GetProperty("id").GetGuid();
        }
        var until = Now.AddDays(60);
        var whole = await GrantAsync(new { datasetId = dataset, granteeKind = "vo", voId = vo, purposes = Hiv, validUntil = until });
        var admins = await GrantAsync(new { datasetId = dataset, granteeKind = "vo-role", voId = vo, role = "admin", purposes = Hiv, validUntil = until.AddDays(1) });
        var university = await GrantAsync(new
        {
            datasetId = dataset,
            granteeKind = "vo-institution",
            voId = vo,
            institutionId = DemoSeed.University,
            purposes = Hiv,
            validUntil = until.AddDays(2),
        });
        var carol = await GrantAsync(new { datasetId = dataset, granteeKind = "person", userId = DemoSeed.Carol, purposes = Hiv, validUntil = until.AddDays(3) });

        var access = await alice.GetFromJsonAsync<JsonElement>($"/api/grants/datasets/{dataset}/access");
        var pairs = access.EnumerateArray().Select(e => (e.GetProperty("userId").GetGuid(), e.GetProperty("grantId").GetGuid())).ToHashSet();
        var expected = new HashSet<(Guid, Guid)>
        {
            (DemoSeed.Dave, whole), (DemoSeed.Bob, whole), (DemoSeed.Alice, whole),
            (DemoSeed.Dave, admins),
            (DemoSeed.Dave, university), (DemoSeed.Bob, university),
            (DemoSeed.Carol, carol),
        };
        Assert.Equal(expected, pairs);
        var bobViaUniversity = access.EnumerateArray().Single(e => e.GetProperty("grantId").GetGuid() == university && e.GetProperty("userId").GetGuid() == DemoSeed.Bob);
        Assert.Equal(until.AddDays(2), bobViaUniversity.GetProperty("until").GetDateTimeOffset());

        // Bob's own view: the VO and institution grants cover him, the admin-role grant does not.
        using var bob = await GrantWorld.AsAsync(portal, DemoSeed.Bob);
        var mine = (await bob.GetFromJsonAsync<JsonElement>("/api/grants/mine")).EnumerateArray().Select(g => g.GetProperty("id").GetGuid()).ToList();
        Assert.Contains(whole, mine);
        Assert.Contains(university, mine);
        Assert.DoesNotContain(admins, mine);
        Assert.DoesNotContain(carol, mine);
        // Only the owner and stewards see who has access.
        using var asBob = await bob.GetAsync(new Uri($"/api/grants/datasets/{dataset}/access", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Forbidden, asBob.StatusCode);

        Assert.Equal(4, (await GrantWorld.AuditTypesAsync(portal, dataset)).Count(t => t == "grant.created"));
        await using var db = portal.CreateDb();
        Assert.Single(await db.Notifications.Where(n => n.UserId == DemoSeed.Carol && n.Kind == "grant.created" && n.Title.Contains(GrantWorld.NameOf(dataset))).ToListAsync());
    }

    [Fact]
    public async Task A_vo_grant_needs_a_vo_the_dataset_is_shared_into_and_a_purpose_that_fits()
    {
        var dataset = await GrantWorld.DatasetAsync(portal);
        using var alice = await GrantWorld.AsAsync(portal, DemoSeed.Alice);
        using var dave = await GrantWorld.AsAsync(portal, DemoSeed.Dave);
        var before = await GrantWorld.SnapshotAsync(portal);
        using var elsewhere = await alice.PostAsJsonAsync("/api/grants",
            new { datasetId = dataset, granteeKind = "vo", voId = Guid.NewGuid(), purposes = Hiv, validUntil = Now.AddDays(10) });
        await ApiProblem.AssertAsync(elsewhere, HttpStatusCode.BadRequest, "voId");
        using var unfit = await alice.PostAsJsonAsync("/api/grants",
            new { datasetId = dataset, granteeKind = "person", userId = DemoSeed.Bob, purposes = Gru, validUntil = Now.AddDays(10) });
        await ApiProblem.AssertAsync(unfit, HttpStatusCode.BadRequest, "purposes");
        using var unknownKind = await alice.PostAsJsonAsync("/api/grants",
            new { datasetId = dataset, granteeKind = "everyone", purposes = Hiv, validUntil = Now.AddDays(10) });
        await ApiProblem.AssertAsync(unknownKind, HttpStatusCode.BadRequest, "granteeKind");
        using var past = await alice.PostAsJsonAsync("/api/grants",
            new { datasetId = dataset, granteeKind = "person", userId = DemoSeed.Bob, purposes = Hiv, validUntil = Now.AddDays(-1) });
        await ApiProblem.AssertAsync(past, HttpStatusCode.BadRequest, "validUntil");
        using var notOwner = await dave.PostAsJsonAsync("/api/grants",
            new { datasetId = dataset, granteeKind = "person", userId = DemoSeed.Dave, purposes = Hiv, validUntil = Now.AddDays(10) });
        Assert.Equal(HttpStatusCode.Forbidden, notOwner.StatusCode);
        Assert.Equal(before, await GrantWorld.SnapshotAsync(portal));
    }

    [Fact]
    public async Task The_owner_extends_a_grant_only_to_a_later_end()
    {
        var dataset = await GrantWorld.DatasetAsync(portal);
        var grantId = await GrantWorld.BobGrantAsync(portal, dataset, TimeSpan.FromDays(10));
        using var carol = await GrantWorld.AsAsync(portal, DemoSeed.Carol);
        var before = await GrantWorld.SnapshotAsync(portal);
        using var earlier = await carol.PostAsJsonAsync($"/api/grants/{grantId}/extend", new { validUntil = Now.AddDays(5) });
        await ApiProblem.AssertAsync(earlier, HttpStatusCode.BadRequest, "validUntil");
        Assert.Equal(before, await GrantWorld.SnapshotAsync(portal));

        using var later = await carol.PostAsJsonAsync($"/api/grants/{grantId}/extend", new { validUntil = Now.AddDays(20) });
        Assert.Equal(HttpStatusCode.OK, later.StatusCode);
        Assert.Equal(Now.AddDays(20), (await later.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("validUntil").GetDateTimeOffset());
        await using var db = portal.CreateDb();
        Assert.Single(await db.AuditEvents.Where(e => e.GrantId == grantId && e.Type == "grant.extended" && e.ActorUserId == DemoSeed.Carol).ToListAsync());
        Assert.Single(await db.Notifications.Where(n => n.UserId == DemoSeed.Bob && n.Kind == "grant.extended" && n.Title.Contains(GrantWorld.NameOf(dataset))).ToListAsync());
    }
}
