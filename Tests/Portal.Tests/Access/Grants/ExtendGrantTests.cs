using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Demo;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Access.Grants;

/// <summary>The owner or a steward extends a grant, only to a later end.</summary>
public sealed class ExtendGrantTests(DemoPortalFactory portal) : IClassFixture<DemoPortalFactory>
{
    private static readonly string[] Hiv = ["DS:HIV"];
    private static readonly string[] Gru = ["GRU"];

    private DateTimeOffset Now => portal.Clock.GetUtcNow();

    private static Uri Export(Guid dataset) => new($"/api/datasets/{dataset}/export?purpose=DS:HIV&ethics=IRB-1&format=csv", UriKind.Relative);

    [Fact]
    public async Task The_owner_extends_a_grant_only_to_a_later_end()
    {
        var dataset = await AccessWorld.DatasetAsync(portal);
        var grantId = await AccessWorld.BobGrantAsync(portal, dataset, TimeSpan.FromDays(10));
        using var carol = await AccessWorld.AsAsync(portal, DemoSeed.Carol);
        var before = await AccessWorld.SnapshotAsync(portal);
        using var earlier = await carol.PostAsJsonAsync($"/api/grants/{grantId}/extend", new { validUntil = Now.AddDays(5) });
        await AccessProblem.AssertAsync(earlier, HttpStatusCode.BadRequest, "access.extension.not_later", "validUntil");
        Assert.Equal(before, await AccessWorld.SnapshotAsync(portal));

        using var later = await carol.PostAsJsonAsync($"/api/grants/{grantId}/extend", new { validUntil = Now.AddDays(20) });
        Assert.Equal(HttpStatusCode.OK, later.StatusCode);
        Assert.Equal(Now.AddDays(20), (await later.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("validUntil").GetDateTimeOffset());
        await using var db = portal.CreateDb();
        Assert.Single(await db.AuditEvents.Where(e => e.GrantId == grantId && e.Type == "grant.extended" && e.ActorUserId == DemoSeed.Carol).ToListAsync());
        Assert.Single(await db.Notifications.Where(n => n.UserId == DemoSeed.Bob && n.Kind == "grant.extended" && n.Title.Contains(AccessWorld.NameOf(dataset))).ToListAsync());
    }
}
