using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Demo;
using Portal.Features.VirtualOrganizations;
using Portal.Kernel;

namespace Portal.Tests.Authorization;

/// <summary>
/// Issue #18, H1 and I, as they were reproduced: a read-only token changed grants, VO memberships and created VOs; a
/// data:export token read the catalogue and a catalogue:read token read previews. Each refusal changes nothing, and
/// the token with the right scope then succeeds, so the request itself was a good one.
/// </summary>
public sealed class TokenScopeRegressionTests(AuthorizationWorld world) : IClassFixture<AuthorizationWorld>
{
    private static readonly string[] ReadOnly = [Scopes.CatalogueRead];

    private static async Task AssertScopeMissingAsync(HttpResponseMessage response, string scope)
    {
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(TokenScopeEnforcement.MissingCode, problem.RootElement.GetProperty("code").GetString());
        Assert.Equal(scope, problem.RootElement.GetProperty("scope").GetString());
    }

    private object DirectGrant(Guid dataset) => new
    {
        datasetId = dataset,
        granteeKind = "person",
        userId = world.Bystander,
        purposes = new[] { "DS:HIV" },
        validUntil = "2026-12-01T09:00:00Z",
    };

    [Fact]
    public async Task An_owners_catalogue_read_token_cannot_create_a_grant()
    {
        await world.ReadyAsync();
        var dataset = await world.FreshDatasetAsync();
        var reader = await world.TokenClientAsync(Persona.Owner, ReadOnly);
        using (var refused = await reader.PostAsJsonAsync(new Uri("/api/grants", UriKind.Relative), DirectGrant(dataset)))
        {
            await AssertScopeMissingAsync(refused, Scopes.RequestsDecide);
        }
        await using (var db = world.CreateDb())
        {
            Assert.False(await db.Grants.AnyAsync(g => g.DatasetId == dataset));
        }
        var decider = await world.TokenClientAsync(Persona.Owner, [Scopes.RequestsDecide]);
        using var created = await decider.PostAsJsonAsync(new Uri("/api/grants", UriKind.Relative), DirectGrant(dataset));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    [Fact]
    public async Task An_owners_catalogue_read_token_cannot_revoke_a_grant()
    {
        await world.ReadyAsync();
        var grant = await world.FreshGrantAsync(toBob: false);
        var reader = await world.TokenClientAsync(Persona.Owner, ReadOnly);
        var revoke = new Uri($"/api/grants/{grant}/revoke", UriKind.Relative);
        using (var refused = await reader.PostAsJsonAsync(revoke, new { reason = "study ended" }))
        {
            await AssertScopeMissingAsync(refused, Scopes.RequestsDecide);
        }
        await using (var db = world.CreateDb())
        {
            Assert.Null((await db.Grants.SingleAsync(g => g.Id == grant)).RevokedAt);
        }
        var decider = await world.TokenClientAsync(Persona.Owner, [Scopes.RequestsDecide]);
        using var revoked = await decider.PostAsJsonAsync(revoke, new { reason = "study ended" });
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
    }

    [Fact]
    public async Task A_vo_admins_read_only_token_cannot_invite_change_roles_or_delete_invitations()
    {
        await world.ReadyAsync();
        var reader = await world.TokenClientAsync(Persona.VoAdmin, ReadOnly);
        var invitation = await world.FreshInvitationAsync(DemoSeed.CohortVo);
        var member = await world.FreshMemberAsync(DemoSeed.CohortVo, MembershipStatus.Active);
        int invitationsBefore;
        await using (var db = world.CreateDb())
        {
            invitationsBefore = await db.Invitations.CountAsync(i => i.VoId == DemoSeed.CohortVo);
        }

        using (var invite = await reader.PostAsJsonAsync(new Uri($"/api/vos/{DemoSeed.CohortVo}/invitations", UriKind.Relative), new { role = "admin" }))
        {
            await AssertScopeMissingAsync(invite, Scopes.VoManage);
        }
        using (var promote = await reader.PutAsJsonAsync(new Uri($"/api/vos/{DemoSeed.CohortVo}/members/{member}/role", UriKind.Relative), new { role = "admin" }))
        {
            await AssertScopeMissingAsync(promote, Scopes.VoManage);
        }
        using (var delete = await reader.DeleteAsync(new Uri($"/api/vos/{DemoSeed.CohortVo}/invitations/{invitation}", UriKind.Relative)))
        {
            await AssertScopeMissingAsync(delete, Scopes.VoManage);
        }

        await using (var db = world.CreateDb())
        {
            Assert.Equal(invitationsBefore, await db.Invitations.CountAsync(i => i.VoId == DemoSeed.CohortVo));
            Assert.Null((await db.Invitations.SingleAsync(i => i.Id == invitation)).RevokedAt);
            Assert.Equal(VoRole.Member, (await db.Memberships.SingleAsync(m => m.VoId == DemoSeed.CohortVo && m.UserId == member)).Role);
        }
        var manager = await world.TokenClientAsync(Persona.VoAdmin, [Scopes.VoManage]);
        using var promoted = await manager.PutAsJsonAsync(new Uri($"/api/vos/{DemoSeed.CohortVo}/members/{member}/role", UriKind.Relative), new { role = "admin" });
        Assert.Equal(HttpStatusCode.OK, promoted.StatusCode);
    }

    [Fact]
    public async Task A_read_only_token_cannot_create_a_vo()
    {
        await world.ReadyAsync();
        var reader = await world.TokenClientAsync(Persona.ResearcherWithoutGrant, ReadOnly);
        var name = $"Read-only {Guid.NewGuid():N}";
        using (var refused = await reader.PostAsJsonAsync(new Uri("/api/vos", UriKind.Relative), new { name }))
        {
            await AssertScopeMissingAsync(refused, Scopes.VoManage);
        }
        await using (var db = world.CreateDb())
        {
            Assert.False(await db.VirtualOrganizations.AnyAsync(v => v.Name == name));
        }
    }

    [Fact]
    public async Task An_export_token_does_not_read_the_catalogue_and_a_catalogue_token_does_not_read_previews()
    {
        await world.ReadyAsync();
        var exporter = await world.TokenClientAsync(Persona.ResearcherWithGrant, [Scopes.DataExport]);
        using (var catalogue = await exporter.GetAsync(new Uri($"/api/vos/{DemoSeed.CohortVo}/catalogue", UriKind.Relative)))
        {
            await AssertScopeMissingAsync(catalogue, Scopes.CatalogueRead);
        }
        using (var datasets = await exporter.GetAsync(new Uri($"/api/datasets/{DemoSeed.PatientsDataset}", UriKind.Relative)))
        {
            await AssertScopeMissingAsync(datasets, Scopes.CatalogueRead);
        }

        var preview = new Uri($"/api/datasets/{DemoSeed.PatientsDataset}/preview?grantId={DemoSeed.BobPatientsGrant}&rows=3", UriKind.Relative);
        var reader = await world.TokenClientAsync(Persona.Owner, ReadOnly);
        using (var refused = await reader.GetAsync(preview))
        {
            await AssertScopeMissingAsync(refused, Scopes.DataExport);
        }
        var ownerExporter = await world.TokenClientAsync(Persona.Owner, [Scopes.DataExport]);
        using var rows = await ownerExporter.GetAsync(preview);
        Assert.Equal(HttpStatusCode.OK, rows.StatusCode);
    }

    [Fact]
    public async Task A_token_opens_no_page_and_no_blazor_circuit()
    {
        await world.ReadyAsync();
        var everything = await world.TokenClientAsync(Persona.Owner, Scopes.All);
        foreach (var path in new[] { "/tokens", "/audit", "/_blazor/negotiate?negotiateVersion=1" })
        {
            using var request = new HttpRequestMessage(path.StartsWith("/_blazor", StringComparison.Ordinal) ? HttpMethod.Post : HttpMethod.Get, new Uri(path, UriKind.Relative));
            using var response = await everything.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{path}: {(int)response.StatusCode}");
        }
        // Routing's own answers stay what they are.
        using (var wrongMethod = await everything.PatchAsync(new Uri("/api/me", UriKind.Relative), null))
        {
            Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
        }
        using (var unknown = await everything.GetAsync(new Uri("/api/no-such-thing", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        }
        // Anonymous endpoints ignore a token rather than refuse it.
        using var jwks = await everything.GetAsync(new Uri("/.well-known/jwks.json", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, jwks.StatusCode);
    }
}
