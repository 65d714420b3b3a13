using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Demo;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Access.Decisions;

/// <summary>Approvals through the API: the grant they make, narrower never wider, once only; the audit events and notifications.</summary>
public sealed class ApproveRequestTests(DemoPortalFactory portal) : IClassFixture<DemoPortalFactory>
{
    private static readonly string[] SexOnly = ["sex"];

    private DateTimeOffset Now => portal.Clock.GetUtcNow();

    [Fact]
    public async Task Bob_asks_for_30_days_Alice_approves_14_and_Bob_can_access_it_until_then()
    {
        var dataset = await AccessWorld.DatasetAsync(portal);
        using var bob = await AccessWorld.AsAsync(portal, DemoSeed.Bob);
        var request = await AccessWorld.CreatedRequestAsync(bob, AccessWorld.Request(dataset, Now, days: 30));
        var requestId = request.GetProperty("id").GetGuid();
        Assert.Equal("Pending", request.GetProperty("status").GetString());
        Assert.Equal("DS:HIV", request.GetProperty("purpose").GetString());
        Assert.Equal(DemoSeed.CohortVo, request.GetProperty("voId").GetGuid());

        using var alice = await AccessWorld.AsAsync(portal, DemoSeed.Alice);
        var until = Now.AddDays(14);
        using var approved = await alice.PostAsJsonAsync($"/api/access-requests/{requestId}/approve", new { validUntil = until });
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        var decided = await approved.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Approved", decided.GetProperty("status").GetString());
        var grantId = decided.GetProperty("grantId").GetGuid();

        await using (var db = portal.CreateDb())
        {
            var grant = await db.Grants.SingleAsync(g => g.Id == grantId);
            Assert.Equal((GranteeKind.Person, (Guid?)DemoSeed.Bob, until, 3, 7, (Guid?)requestId),
                (grant.GranteeKind, grant.GranteeUserId, grant.ValidUntil, grant.ProfileVersion, grant.K, grant.RequestId));
            Assert.Equal(["birth_date", "sex", "cd4_count"], grant.Columns!);
            Assert.Equal("DS:HIV", Assert.Single(grant.Purposes).ToString());
            var stored = await db.AccessRequests.SingleAsync(r => r.Id == requestId);
            Assert.Equal((AccessRequestStatus.Approved, (Guid?)grantId, (Guid?)DemoSeed.Alice), (stored.Status, stored.GrantId, stored.DecidedById));
            // The owner and the steward heard of the request; Bob of the decision.
            var notes = await db.Notifications.Where(n => n.Kind.StartsWith("access_request.") && n.Body.Contains(request.GetProperty("datasetName").GetString()!))
                .Select(n => n.UserId + ":" + n.Kind).ToListAsync();
            Assert.Contains($"{DemoSeed.Alice}:access_request.created", notes);
            Assert.Contains($"{DemoSeed.Carol}:access_request.created", notes);
            Assert.Contains($"{DemoSeed.Bob}:access_request.approved", notes);
        }
        Assert.Equal(["access_request.created", "grant.created", "access_request.approved"],
            (await AccessWorld.AuditTypesAsync(portal, dataset)).Where(t => t.StartsWith("access_request.", StringComparison.Ordinal) || t.StartsWith("grant.", StringComparison.Ordinal)));

        var mine = await bob.GetFromJsonAsync<JsonElement>("/api/grants/mine");
        var shown = Assert.Single(mine.EnumerateArray(), g => g.GetProperty("id").GetGuid() == grantId);
        Assert.Equal(until, shown.GetProperty("endsAt").GetDateTimeOffset());
        Assert.Equal("Live", shown.GetProperty("status").GetString());
        Assert.Equal("DS:HIV", shown.GetProperty("purposes")[0].GetString());

        // Approving twice is a conflict, and changes nothing.
        var before = await AccessWorld.SnapshotAsync(portal);
        using var again = await alice.PostAsJsonAsync($"/api/access-requests/{requestId}/approve", new { });
        await AccessProblem.AssertAsync(again, HttpStatusCode.Conflict, "access.request.not_pending", "status");
        Assert.Equal(before, await AccessWorld.SnapshotAsync(portal));
    }

    [Fact]
    public async Task Two_deciders_approving_at_once_make_one_grant_and_one_conflict()
    {
        var dataset = await AccessWorld.DatasetAsync(portal);
        using var bob = await AccessWorld.AsAsync(portal, DemoSeed.Bob);
        var requestId = (await AccessWorld.CreatedRequestAsync(bob, AccessWorld.Request(dataset, Now))).GetProperty("id").GetGuid();
        using var alice = await AccessWorld.AsAsync(portal, DemoSeed.Alice);
        using var carol = await AccessWorld.AsAsync(portal, DemoSeed.Carol);

        var answers = await Task.WhenAll(
            alice.PostAsJsonAsync($"/api/access-requests/{requestId}/approve", new { }),
            carol.PostAsJsonAsync($"/api/access-requests/{requestId}/approve", new { }));
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], answers.Select(a => a.StatusCode).Order());
        foreach (var a in answers)
        {
            a.Dispose();
        }
        await using var db = portal.CreateDb();
        Assert.Single(await db.Grants.Where(g => g.DatasetId == dataset).ToListAsync());
        Assert.Single(await db.AuditEvents.Where(e => e.DatasetId == dataset && e.Type == "access_request.approved").ToListAsync());
    }

    [Theory]
    [InlineData("validUntil", 31, null, "access.decision.wider_period")]
    [InlineData("validFrom", -1, null, "access.decision.wider_period")]
    [InlineData("columns", 0, "diagnosis_code", "access.decision.wider_columns")]
    [InlineData("purposes", 0, "purpose:HMB", "access.decision.other_purpose")]
    public async Task An_approval_may_only_narrow_the_request(string field, int days, string? extra, string code)
    {
        var dataset = await AccessWorld.DatasetAsync(portal);
        using var bob = await AccessWorld.AsAsync(portal, DemoSeed.Bob);
        var requestId = (await AccessWorld.CreatedRequestAsync(bob, AccessWorld.Request(dataset, Now, days: 30))).GetProperty("id").GetGuid();
        using var alice = await AccessWorld.AsAsync(portal, DemoSeed.Alice);
        object body = field switch
        {
            "validUntil" => new { validUntil = Now.AddDays(days) },
            "validFrom" => new { validFrom = Now.AddDays(days) },
            "columns" => new { columns = new[] { "sex", extra } },
            _ => new { purposes = new[] { extra!.Split(':')[1] } },
        };
        var before = await AccessWorld.SnapshotAsync(portal);
        using var response = await alice.PostAsJsonAsync($"/api/access-requests/{requestId}/approve", body);
        await AccessProblem.AssertAsync(response, HttpStatusCode.BadRequest, code, field);
        Assert.Equal(before, await AccessWorld.SnapshotAsync(portal));

        // Narrower is fine.
        using var narrower = await alice.PostAsJsonAsync($"/api/access-requests/{requestId}/approve", new { columns = SexOnly, validUntil = Now.AddDays(10) });
        Assert.Equal(HttpStatusCode.OK, narrower.StatusCode);
    }
}
