using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Demo;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Access.Decisions;

/// <summary>Denials need a reason the requester reads; only the owner and the stewards decide.</summary>
public sealed class DenyRequestTests(DemoPortalFactory portal) : IClassFixture<DemoPortalFactory>
{
    private DateTimeOffset Now => portal.Clock.GetUtcNow();

    [Fact]
    public async Task Denying_needs_a_reason_and_tells_the_requester_why()
    {
        var dataset = await AccessWorld.DatasetAsync(portal);
        using var bob = await AccessWorld.AsAsync(portal, DemoSeed.Bob);
        var requestId = (await AccessWorld.CreatedRequestAsync(bob, AccessWorld.Request(dataset, Now))).GetProperty("id").GetGuid();
        using var alice = await AccessWorld.AsAsync(portal, DemoSeed.Alice);

        var before = await AccessWorld.SnapshotAsync(portal);
        using var bare = await alice.PostAsJsonAsync($"/api/access-requests/{requestId}/deny", new { reason = "  " });
        await AccessProblem.AssertAsync(bare, HttpStatusCode.BadRequest, "access.reason.required", "reason");
        using var tooLong = await alice.PostAsJsonAsync($"/api/access-requests/{requestId}/deny", new { reason = new string('x', 2001) });
        await AccessProblem.AssertAsync(tooLong, HttpStatusCode.BadRequest, "access.text.too_long", "reason");
        Assert.Equal(before, await AccessWorld.SnapshotAsync(portal));

        using var denied = await alice.PostAsJsonAsync($"/api/access-requests/{requestId}/deny", new { reason = "The ethics approval has expired." });
        Assert.Equal(HttpStatusCode.OK, denied.StatusCode);
        var status = await bob.GetFromJsonAsync<JsonElement>($"/api/access-requests/{requestId}");
        Assert.Equal("Denied", status.GetProperty("status").GetString());
        Assert.Equal("The ethics approval has expired.", status.GetProperty("decisionReason").GetString());
        await using var db = portal.CreateDb();
        Assert.Single(await db.Notifications.Where(n => n.UserId == DemoSeed.Bob && n.Kind == "access_request.denied" && n.Body.Contains("ethics approval has expired")).ToListAsync());
        var audit = Assert.Single(await db.AuditEvents.Where(e => e.DatasetId == dataset && e.Type == "access_request.denied").ToListAsync());
        Assert.Equal((DemoSeed.Alice, "The ethics approval has expired."), (audit.ActorUserId!.Value, audit.Reason));
    }

    [Fact]
    public async Task Carol_as_steward_decides_and_others_cannot()
    {
        var dataset = await AccessWorld.DatasetAsync(portal);
        using var bob = await AccessWorld.AsAsync(portal, DemoSeed.Bob);
        var requestId = (await AccessWorld.CreatedRequestAsync(bob, AccessWorld.Request(dataset, Now))).GetProperty("id").GetGuid();

        using var dave = await AccessWorld.AsAsync(portal, DemoSeed.Dave);
        var before = await AccessWorld.SnapshotAsync(portal);
        using var byDave = await dave.PostAsJsonAsync($"/api/access-requests/{requestId}/approve", new { });
        Assert.Contains(byDave.StatusCode, new[] { HttpStatusCode.Forbidden, HttpStatusCode.NotFound });
        using var byBob = await bob.PostAsJsonAsync($"/api/access-requests/{requestId}/approve", new { });
        Assert.Contains(byBob.StatusCode, new[] { HttpStatusCode.Forbidden, HttpStatusCode.NotFound });
        using var denyByDave = await dave.PostAsJsonAsync($"/api/access-requests/{requestId}/deny", new { reason = "no" });
        Assert.Contains(denyByDave.StatusCode, new[] { HttpStatusCode.Forbidden, HttpStatusCode.NotFound });
        Assert.Equal(before, await AccessWorld.SnapshotAsync(portal));
        // Dave cannot even read it, nor see it in an inbox.
        using var read = await dave.GetAsync(new Uri($"/api/access-requests/{requestId}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        var daveInbox = await dave.GetFromJsonAsync<JsonElement>("/api/access-requests/inbox?pageSize=100");
        Assert.DoesNotContain(daveInbox.GetProperty("items").EnumerateArray(), r => r.GetProperty("id").GetGuid() == requestId);

        using var carol = await AccessWorld.AsAsync(portal, DemoSeed.Carol);
        var inbox = await carol.GetFromJsonAsync<JsonElement>($"/api/access-requests/inbox?datasetId={dataset}");
        Assert.Equal(requestId, inbox.GetProperty("items")[0].GetProperty("id").GetGuid());
        using var approved = await carol.PostAsJsonAsync($"/api/access-requests/{requestId}/approve", new { });
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        await using var db = portal.CreateDb();
        var audit = Assert.Single(await db.AuditEvents.Where(e => e.DatasetId == dataset && e.Type == "access_request.approved").ToListAsync());
        Assert.Equal(DemoSeed.Carol, audit.ActorUserId);
    }
}
