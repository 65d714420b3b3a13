using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Features.AccessRequests;
using Portal.Features.Demo;
using Portal.Features.Grants;
using Portal.Tests.Grants;
using Portal.Tests.Infrastructure;
using Portal.Tests.VirtualOrganizations;

namespace Portal.Tests.AccessRequests;

/// <summary>Requests and decisions through the API: the effect, the grant, the audit events and the notifications.</summary>
public sealed class AccessRequestFlowTests(DemoPortalFactory portal) : IClassFixture<DemoPortalFactory>
{
    private static readonly string[] SexOnly = ["sex"];

    private DateTimeOffset Now => portal.Clock.GetUtcNow();

    [Fact]
    public async Task Bob_asks_for_30_days_Alice_approves_14_and_Bob_can_access_it_until_then()
    {
        var dataset = await GrantWorld.DatasetAsync(portal);
        using var bob = await GrantWorld.AsAsync(portal, DemoSeed.Bob);
        var request = await GrantWorld.CreatedRequestAsync(bob, GrantWorld.Request(dataset, Now, days: 30));
        var requestId = request.GetProperty("id").GetGuid();
        Assert.Equal("Pending", request.GetProperty("status").GetString());
        Assert.Equal("DS:HIV", request.GetProperty("purpose").GetString());
        Assert.Equal(DemoSeed.CohortVo, request.GetProperty("voId").GetGuid());

        using var alice = await GrantWorld.AsAsync(portal, DemoSeed.Alice);
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
            (await GrantWorld.AuditTypesAsync(portal, dataset)).Where(t => t.StartsWith("access_request.", StringComparison.Ordinal) || t.StartsWith("grant.", StringComparison.Ordinal)));

        var mine = await bob.GetFromJsonAsync<JsonElement>("/api/grants/mine");
        var shown = Assert.Single(mine.EnumerateArray(), g => g.GetProperty("id").GetGuid() == grantId);
        Assert.Equal(until, shown.GetProperty("endsAt").GetDateTimeOffset());
        Assert.Equal("Live", shown.GetProperty("status").GetString());
        Assert.Equal("DS:HIV", shown.GetProperty("purposes")[0].GetString());

        // Approving twice is a conflict, and changes nothing.
        var before = await GrantWorld.SnapshotAsync(portal);
        using var again = await alice.PostAsJsonAsync($"/api/access-requests/{requestId}/approve", new { });
        await ApiProblem.AssertAsync(again, HttpStatusCode.Conflict, "status");
        Assert.Equal(before, await GrantWorld.SnapshotAsync(portal));
    }

    [Fact]
    public async Task Two_deciders_approving_at_once_make_one_grant_and_one_conflict()
    {
        var dataset = await GrantWorld.DatasetAsync(portal);
        using var bob = await GrantWorld.AsAsync(portal, DemoSeed.Bob);
        var requestId = (await GrantWorld.CreatedRequestAsync(bob, GrantWorld.Request(dataset, Now))).GetProperty("id").GetGuid();
        using var alice = await GrantWorld.AsAsync(portal, DemoSeed.Alice);
        using var carol = await GrantWorld.AsAsync(portal, DemoSeed.Carol);

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
    [InlineData("validUntil", 31, null)]
    [InlineData("validFrom", -1, null)]
    [InlineData("columns", 0, "diagnosis_code")]
    [InlineData("purposes", 0, "purpose:HMB")]
    public async Task An_approval_may_only_narrow_the_request(string field, int days, string? extra)
    {
        var dataset = await GrantWorld.DatasetAsync(portal);
        using var bob = await GrantWorld.AsAsync(portal, DemoSeed.Bob);
        var requestId = (await GrantWorld.CreatedRequestAsync(bob, GrantWorld.Request(dataset, Now, days: 30))).GetProperty("id").GetGuid();
        using var alice = await GrantWorld.AsAsync(portal, DemoSeed.Alice);
        object body = field switch
        {
            "validUntil" => new { validUntil = Now.AddDays(days) },
            "validFrom" => new { validFrom = Now.AddDays(days) },
            "columns" => new { columns = new[] { "sex", extra } },
            _ => new { purposes = new[] { extra!.Split(':')[1] } },
        };
        var before = await GrantWorld.SnapshotAsync(portal);
        using var response = await alice.PostAsJsonAsync($"/api/access-requests/{requestId}/approve", body);
        await ApiProblem.AssertAsync(response, HttpStatusCode.BadRequest, field);
        Assert.Equal(before, await GrantWorld.SnapshotAsync(portal));

        // Narrower is fine.
        using var narrower = await alice.PostAsJsonAsync($"/api/access-requests/{requestId}/approve", new { columns = SexOnly, validUntil = Now.AddDays(10) });
        Assert.Equal(HttpStatusCode.OK, narrower.StatusCode);
    }

    [Fact]
    public async Task Denying_needs_a_reason_and_tells_the_requester_why()
    {
        var dataset = await GrantWorld.DatasetAsync(portal);
        using var bob = await GrantWorld.AsAsync(portal, DemoSeed.Bob);
        var requestId = (await GrantWorld.CreatedRequestAsync(bob, GrantWorld.Request(dataset, Now))).GetProperty("id").GetGuid();
        using var alice = await GrantWorld.AsAsync(portal, DemoSeed.Alice);

        var before = await GrantWorld.SnapshotAsync(portal);
        using var bare = await alice.PostAsJsonAsync($"/api/access-requests/{requestId}/deny", new { reason = "  " });
        await ApiProblem.AssertAsync(bare, HttpStatusCode.BadRequest, "reason");
        using var tooLong = await alice.PostAsJsonAsync($"/api/access-requests/{requestId}/deny", new { reason = new string('x', 2001) });
        await ApiProblem.AssertAsync(tooLong, HttpStatusCode.BadRequest, "reason");
        Assert.Equal(before, await GrantWorld.SnapshotAsync(portal));

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
        var dataset = await GrantWorld.DatasetAsync(portal);
        using var bob = await GrantWorld.AsAsync(portal, DemoSeed.Bob);
        var requestId = (await GrantWorld.CreatedRequestAsync(bob, GrantWorld.Request(dataset, Now))).GetProperty("id").GetGuid();

        using var dave = await GrantWorld.AsAsync(portal, DemoSeed.Dave);
        var before = await GrantWorld.SnapshotAsync(portal);
        using var byDave = await dave.PostAsJsonAsync($"/api/access-requests/{requestId}/approve", new { });
        Assert.Contains(byDave.StatusCode, new[] { HttpStatusCode.Forbidden, HttpStatusCode.NotFound });
        using var byBob = await bob.PostAsJsonAsync($"/api/access-requests/{requestId}/approve", new { });
        Assert.Contains(byBob.StatusCode, new[] { HttpStatusCode.Forbidden, HttpStatusCode.NotFound });
        using var denyByDave = await dave.PostAsJsonAsync($"/api/access-requests/{requestId}/deny", new { reason = "no" });
        Assert.Contains(denyByDave.StatusCode, new[] { HttpStatusCode.Forbidden, HttpStatusCode.NotFound });
        Assert.Equal(before, await GrantWorld.SnapshotAsync(portal));
        // Dave cannot even read it, nor see it in an inbox.
        using var read = await dave.GetAsync(new Uri($"/api/access-requests/{requestId}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        var daveInbox = await dave.GetFromJsonAsync<JsonElement>("/api/access-requests/inbox?pageSize=100");
        Assert.DoesNotContain(daveInbox.GetProperty("items").EnumerateArray(), r => r.GetProperty("id").GetGuid() == requestId);

        using var carol = await GrantWorld.AsAsync(portal, DemoSeed.Carol);
        var inbox = await carol.GetFromJsonAsync<JsonElement>($"/api/access-requests/inbox?datasetId={dataset}");
        Assert.Equal(requestId, inbox.GetProperty("items")[0].GetProperty("id").GetGuid());
        using var approved = await carol.PostAsJsonAsync($"/api/access-requests/{requestId}/approve", new { });
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        await using var db = portal.CreateDb();
        var audit = Assert.Single(await db.AuditEvents.Where(e => e.DatasetId == dataset && e.Type == "access_request.approved").ToListAsync());
        Assert.Equal(DemoSeed.Carol, audit.ActorUserId);
    }

    [Fact]
    public async Task A_researcher_whose_vos_do_not_list_the_dataset_cannot_ask_for_it()
    {
        var voId = Guid.NewGuid();
        await using (var db = portal.CreateDb())
        {
            db.VirtualOrganizations.Add(new VirtualOrganization
            {
                Id = voId,
                Name = $"Hospital only {voId:N}",
                CreatedById = DemoSeed.Alice,
                CreatedAt = Now,
            });
            await db.SaveChangesAsync();
        }
        var dataset = await GrantWorld.DatasetAsync(portal, sharedInto: voId);
        using var bob = await GrantWorld.AsAsync(portal, DemoSeed.Bob);
        var before = await GrantWorld.SnapshotAsync(portal);
        using var response = await bob.PostAsJsonAsync("/api/access-requests", GrantWorld.Request(dataset, Now));
        Assert.Contains(response.StatusCode, new[] { HttpStatusCode.Forbidden, HttpStatusCode.NotFound });
        using var form = await bob.GetAsync(new Uri($"/api/access-requests/form/{dataset}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, form.StatusCode);
        Assert.Equal(before, await GrantWorld.SnapshotAsync(portal));
    }

    [Fact]
    public async Task The_requester_sees_and_withdraws_a_pending_request_once()
    {
        var dataset = await GrantWorld.DatasetAsync(portal);
        using var bob = await GrantWorld.AsAsync(portal, DemoSeed.Bob);
        var form = await bob.GetFromJsonAsync<JsonElement>($"/api/access-requests/form/{dataset}");
        Assert.Equal(2, form.GetProperty("termsVersion").GetInt32());
        Assert.True(form.GetProperty("requiresEthics").GetBoolean());
        var requestId = (await GrantWorld.CreatedRequestAsync(bob, GrantWorld.Request(dataset, Now))).GetProperty("id").GetGuid();
        var mine = await bob.GetFromJsonAsync<JsonElement>("/api/access-requests?pageSize=100");
        Assert.Contains(mine.GetProperty("items").EnumerateArray(), r => r.GetProperty("id").GetGuid() == requestId);

        using var alice = await GrantWorld.AsAsync(portal, DemoSeed.Alice);
        using var notHers = await alice.PostAsync(new Uri($"/api/access-requests/{requestId}/withdraw", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.NotFound, notHers.StatusCode);

        using var withdrawn = await bob.PostAsync(new Uri($"/api/access-requests/{requestId}/withdraw", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.OK, withdrawn.StatusCode);
        Assert.Equal("Withdrawn", (await withdrawn.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        using var twice = await bob.PostAsync(new Uri($"/api/access-requests/{requestId}/withdraw", UriKind.Relative), null);
        await ApiProblem.AssertAsync(twice, HttpStatusCode.Conflict, "status");
        using var approveWithdrawn = await alice.PostAsJsonAsync($"/api/access-requests/{requestId}/approve", new { });
        await ApiProblem.AssertAsync(approveWithdrawn, HttpStatusCode.Conflict, "status");
        Assert.Contains("access_request.withdrawn", await GrantWorld.AuditTypesAsync(portal, dataset));

        // Withdrawn, it no longer blocks a new request; pending ones come first in the owner's inbox.
        var second = (await GrantWorld.CreatedRequestAsync(bob, GrantWorld.Request(dataset, Now))).GetProperty("id").GetGuid();
        var inbox = await alice.GetFromJsonAsync<JsonElement>($"/api/access-requests/inbox?datasetId={dataset}");
        Assert.Equal([second, requestId], inbox.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("id").GetGuid()));
    }

    [Fact]
    public async Task An_extension_request_approved_moves_the_grants_end()
    {
        var dataset = await GrantWorld.DatasetAsync(portal);
        var grantId = await GrantWorld.BobGrantAsync(portal, dataset, TimeSpan.FromDays(10));
        using var bob = await GrantWorld.AsAsync(portal, DemoSeed.Bob);
        var until = Now.AddDays(40);
        using var asked = await bob.PostAsJsonAsync($"/api/grants/{grantId}/extension-requests",
            new { until, description = "The follow-up takes longer.", acceptTerms = true, termsVersion = 2 });
        Assert.Equal(HttpStatusCode.Created, asked.StatusCode);
        var request = await asked.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("Extension", grantId), (request.GetProperty("kind").GetString(), request.GetProperty("extendsGrantId").GetGuid()));
        using var duplicate = await bob.PostAsJsonAsync($"/api/grants/{grantId}/extension-requests",
            new { until, description = "again", acceptTerms = true, termsVersion = 2 });
        await ApiProblem.AssertAsync(duplicate, HttpStatusCode.Conflict, "grantId");

        using var alice = await GrantWorld.AsAsync(portal, DemoSeed.Alice);
        var shorter = Now.AddDays(30);
        using var approved = await alice.PostAsJsonAsync($"/api/access-requests/{request.GetProperty("id").GetGuid()}/approve", new { validUntil = shorter });
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        Assert.Equal(grantId, (await approved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("grantId").GetGuid());
        await using var db = portal.CreateDb();
        Assert.Equal(shorter, (await db.Grants.SingleAsync(g => g.Id == grantId)).ValidUntil);
        Assert.Single(await db.Grants.Where(g => g.DatasetId == dataset).ToListAsync());
        var types = await GrantWorld.AuditTypesAsync(portal, dataset);
        Assert.Contains("grant.extended", types);
        Assert.Contains("access_request.approved", types);
    }
}
