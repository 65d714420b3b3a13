using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Demo;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Access.Grants;

/// <summary>Direct grants to a person, a VO, a role and an institution reach exactly the people they cover, and only fitting ones are made.</summary>
public sealed class CreateGrantTests(DemoPortalFactory portal) : IClassFixture<DemoPortalFactory>
{
    private static readonly string[] Hiv = ["DS:HIV"];
    private static readonly string[] Gru = ["GRU"];

    private DateTimeOffset Now => portal.Clock.GetUtcNow();

    private static Uri Export(Guid dataset) => new($"/api/datasets/{dataset}/export?purpose=DS:HIV&ethics=IRB-1&format=csv", UriKind.Relative);

    [Fact]
    public async Task Direct_grants_to_a_vo_a_role_and_an_institution_reach_exactly_the_people_they_cover()
    {
        var dataset = await AccessWorld.DatasetAsync(portal);
        var vo = await AccessWorld.VoAsync(portal, dataset);
        using var alice = await AccessWorld.AsAsync(portal, DemoSeed.Alice);
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
        using var bob = await AccessWorld.AsAsync(portal, DemoSeed.Bob);
        var mine = (await bob.GetFromJsonAsync<JsonElement>("/api/grants/mine")).EnumerateArray().Select(g => g.GetProperty("id").GetGuid()).ToList();
        Assert.Contains(whole, mine);
        Assert.Contains(university, mine);
        Assert.DoesNotContain(admins, mine);
        Assert.DoesNotContain(carol, mine);
        // Only the owner and stewards see who has access.
        using var asBob = await bob.GetAsync(new Uri($"/api/grants/datasets/{dataset}/access", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Forbidden, asBob.StatusCode);

        Assert.Equal(4, (await AccessWorld.AuditTypesAsync(portal, dataset)).Count(t => t == "grant.created"));
        await using var db = portal.CreateDb();
        Assert.Single(await db.Notifications.Where(n => n.UserId == DemoSeed.Carol && n.Kind == "grant.created" && n.Title.Contains(AccessWorld.NameOf(dataset))).ToListAsync());
    }

    [Fact]
    public async Task A_vo_grant_needs_a_vo_the_dataset_is_shared_into_and_a_purpose_that_fits()
    {
        var dataset = await AccessWorld.DatasetAsync(portal);
        using var alice = await AccessWorld.AsAsync(portal, DemoSeed.Alice);
        using var dave = await AccessWorld.AsAsync(portal, DemoSeed.Dave);
        var before = await AccessWorld.SnapshotAsync(portal);
        using var elsewhere = await alice.PostAsJsonAsync("/api/grants",
            new { datasetId = dataset, granteeKind = "vo", voId = Guid.NewGuid(), purposes = Hiv, validUntil = Now.AddDays(10) });
        await AccessProblem.AssertAsync(elsewhere, HttpStatusCode.BadRequest, "access.grant.vo_not_shared", "voId");
        using var unfit = await alice.PostAsJsonAsync("/api/grants",
            new { datasetId = dataset, granteeKind = "person", userId = DemoSeed.Bob, purposes = Gru, validUntil = Now.AddDays(10) });
        await AccessProblem.AssertAsync(unfit, HttpStatusCode.BadRequest, "duo.ds_requires_disease_research", "purposes");
        using var unknownKind = await alice.PostAsJsonAsync("/api/grants",
            new { datasetId = dataset, granteeKind = "everyone", purposes = Hiv, validUntil = Now.AddDays(10) });
        await AccessProblem.AssertAsync(unknownKind, HttpStatusCode.BadRequest, "access.grant.unknown_grantee_kind", "granteeKind");
        using var past = await alice.PostAsJsonAsync("/api/grants",
            new { datasetId = dataset, granteeKind = "person", userId = DemoSeed.Bob, purposes = Hiv, validUntil = Now.AddDays(-1) });
        await AccessProblem.AssertAsync(past, HttpStatusCode.BadRequest, "access.period.until_in_past", "validUntil");
        using var notOwner = await dave.PostAsJsonAsync("/api/grants",
            new { datasetId = dataset, granteeKind = "person", userId = DemoSeed.Dave, purposes = Hiv, validUntil = Now.AddDays(10) });
        Assert.Equal(HttpStatusCode.Forbidden, notOwner.StatusCode);
        Assert.Equal(before, await AccessWorld.SnapshotAsync(portal));
    }
}
