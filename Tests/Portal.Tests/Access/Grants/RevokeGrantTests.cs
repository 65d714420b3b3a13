using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Demo;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Access.Grants;

/// <summary>A revocation is in force as soon as it is answered, with its reason on the audit trail and in the grantee's notification.</summary>
public sealed class RevokeGrantTests(DemoPortalFactory portal) : IClassFixture<DemoPortalFactory>
{
    private static readonly string[] Hiv = ["DS:HIV"];
    private static readonly string[] Gru = ["GRU"];

    private DateTimeOffset Now => portal.Clock.GetUtcNow();

    private static Uri Export(Guid dataset) => new($"/api/datasets/{dataset}/export?purpose=DS:HIV&ethics=IRB-1&format=csv", UriKind.Relative);

    [Fact]
    public async Task A_revocation_denies_the_export_as_soon_as_it_is_answered_and_ends_the_grant_in_bobs_list()
    {
        var dataset = await AccessWorld.DatasetAsync(portal);
        using var bob = await AccessWorld.AsAsync(portal, DemoSeed.Bob);
        using var alice = await AccessWorld.AsAsync(portal, DemoSeed.Alice);
        var requestId = (await AccessWorld.CreatedRequestAsync(bob, AccessWorld.Request(dataset, Now))).GetProperty("id").GetGuid();
        using var approved = await alice.PostAsJsonAsync($"/api/access-requests/{requestId}/approve", new { });
        var grantId = (await approved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("grantId").GetGuid();

        // Permitted: the export gets past the policy (and stops at the missing profile, 409), right after the approval answered.
        using (var permitted = await bob.GetAsync(Export(dataset)))
        {
            Assert.Equal(HttpStatusCode.Conflict, permitted.StatusCode);
        }

        using var noReason = await alice.PostAsJsonAsync($"/api/grants/{grantId}/revoke", new { reason = "" });
        await AccessProblem.AssertAsync(noReason, HttpStatusCode.BadRequest, "access.reason.required", "reason");
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
}
