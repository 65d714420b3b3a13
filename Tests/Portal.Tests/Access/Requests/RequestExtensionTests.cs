using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Demo;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Access.Requests;

/// <summary>More time on a grant: asked once, approved (possibly shorter), the same grant moves its end.</summary>
public sealed class RequestExtensionTests(DemoPortalFactory portal) : IClassFixture<DemoPortalFactory>
{
    private DateTimeOffset Now => portal.Clock.GetUtcNow();

    [Fact]
    public async Task An_extension_request_approved_moves_the_grants_end()
    {
        var dataset = await AccessWorld.DatasetAsync(portal);
        var grantId = await AccessWorld.BobGrantAsync(portal, dataset, TimeSpan.FromDays(10));
        using var bob = await AccessWorld.AsAsync(portal, DemoSeed.Bob);
        var until = Now.AddDays(40);
        using var asked = await bob.PostAsJsonAsync($"/api/grants/{grantId}/extension-requests",
            new { until, description = "The follow-up takes longer.", acceptTerms = true, termsVersion = 2 });
        Assert.Equal(HttpStatusCode.Created, asked.StatusCode);
        var request = await asked.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("Extension", grantId), (request.GetProperty("kind").GetString(), request.GetProperty("extendsGrantId").GetGuid()));
        using var duplicate = await bob.PostAsJsonAsync($"/api/grants/{grantId}/extension-requests",
            new { until, description = "again", acceptTerms = true, termsVersion = 2 });
        await AccessProblem.AssertAsync(duplicate, HttpStatusCode.Conflict, "access.extension.duplicate_pending", "grantId");

        using var alice = await AccessWorld.AsAsync(portal, DemoSeed.Alice);
        var shorter = Now.AddDays(30);
        using var approved = await alice.PostAsJsonAsync($"/api/access-requests/{request.GetProperty("id").GetGuid()}/approve", new { validUntil = shorter });
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        Assert.Equal(grantId, (await approved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("grantId").GetGuid());
        await using var db = portal.CreateDb();
        Assert.Equal(shorter, (await db.Grants.SingleAsync(g => g.Id == grantId)).ValidUntil);
        Assert.Single(await db.Grants.Where(g => g.DatasetId == dataset).ToListAsync());
        var types = await AccessWorld.AuditTypesAsync(portal, dataset);
        Assert.Contains("grant.extended", types);
        Assert.Contains("access_request.approved", types);
    }
}
