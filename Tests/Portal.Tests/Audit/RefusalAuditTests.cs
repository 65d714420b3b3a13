using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Audit;
using Portal.Features.Demo;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Audit;

/// <summary>
/// Every refusal (401 for refused credentials, 403, 404 hiding something, 409, 410, 429) is an audit event with actor,
/// address, target and code; a burst of identical refusals is one event with its count.
/// </summary>
public sealed class RefusalAuditTests(DemoPortalFactory portal) : IClassFixture<DemoPortalFactory>
{
    private async Task<HttpClient> AsAsync(Guid user)
    {
        var client = portal.CreateBrowserClient();
        await DemoSession.SignInAsync(client, user);
        return client;
    }

    private static readonly string[] CatalogueOnly = ["catalogue:read"];

    private static Uri Api(string path) => new($"/api/{path}", UriKind.Relative);

    /// <summary>Closes the open windows and returns the refusal events with this code whose target ends with the path.</summary>
    private async Task<List<AuditEvent>> RefusedAsync(string code, string target)
    {
        await portal.Services.GetRequiredService<RefusalAudit>().FlushAsync(all: true, CancellationToken.None);
        await using var db = portal.CreateDb();
        var events = await db.AuditEvents.AsNoTracking().Where(e => e.Type == RefusalAudit.EventType && e.Reason == code).ToListAsync();
        return [.. events.Where(e => e.Details!.RootElement.GetProperty("target").GetString() == target)];
    }

    private async Task<AuditEvent> OneRefusalAsync(HttpResponseMessage response, HttpStatusCode status, string code, string target, Guid? actor)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(code, await ProblemCode.OfAsync(response));
        var e = Assert.Single(await RefusedAsync(code, target));
        Assert.Equal(AuditOutcome.Denied, e.Outcome);
        Assert.Equal(actor, e.ActorUserId);
        Assert.Equal((int)status, e.Details!.RootElement.GetProperty("status").GetInt32());
        Assert.Equal(1, e.Details.RootElement.GetProperty("count").GetInt32());
        return e;
    }

    [Fact]
    public async Task A_researcher_approving_his_own_request_is_audited()
    {
        using var bob = await AsAsync(DemoSeed.Bob);
        using var response = await bob.PostAsJsonAsync(Api($"access-requests/{DemoSeed.BobAdmissionsRequest}/approve"), new { });
        Assert.True(response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.NotFound, $"refused, not {response.StatusCode}");
        var code = await ProblemCode.OfAsync(response);
        Assert.Single(await RefusedAsync(code!, $"POST /api/access-requests/{DemoSeed.BobAdmissionsRequest}/approve"));
    }

    [Fact]
    public async Task Revoking_a_grant_one_does_not_manage_is_audited()
    {
        using var bob = await AsAsync(DemoSeed.Bob);
        using var response = await bob.PostAsJsonAsync(Api($"grants/{DemoSeed.BobPatientsGrant}/revoke"), new { reason = "mine now" });
        Assert.True(response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.NotFound, $"refused, not {response.StatusCode}");
        var code = await ProblemCode.OfAsync(response);
        var e = Assert.Single(await RefusedAsync(code!, $"POST /api/grants/{DemoSeed.BobPatientsGrant}/revoke"));
        Assert.Equal(DemoSeed.Bob, e.ActorUserId);
    }

    [Fact]
    public async Task A_member_promoting_himself_is_audited()
    {
        using var bob = await AsAsync(DemoSeed.Bob);
        using var response = await bob.PutAsJsonAsync(Api($"vos/{DemoSeed.CohortVo}/members/{DemoSeed.Bob}/role"), new { role = "admin" });
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var code = await ProblemCode.OfAsync(response);
        Assert.Single(await RefusedAsync(code!, $"PUT /api/vos/{DemoSeed.CohortVo}/members/{DemoSeed.Bob}/role"));
    }

    [Fact]
    public async Task Asking_to_join_an_invitation_only_vo_is_audited()
    {
        using var dave = await AsAsync(DemoSeed.Dave);
        using var created = await dave.PostAsJsonAsync(Api("vos"), new { name = "Closed circle", description = "Invited people only.", joinPolicy = "InvitationOnly" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var vo = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        using var alice = await AsAsync(DemoSeed.Alice);
        using var response = await alice.PostAsJsonAsync(Api($"vos/{vo}/join-requests"), new { message = "let me in" });
        Assert.True((int)response.StatusCode is 403 or 404 or 409, $"refused, not {response.StatusCode}");
        var code = await ProblemCode.OfAsync(response);
        var e = Assert.Single(await RefusedAsync(code!, $"POST /api/vos/{vo}/join-requests"));
        Assert.Equal(DemoSeed.Alice, e.ActorUserId);
    }

    [Fact]
    public async Task A_non_auditor_on_the_audit_log_is_audited()
    {
        using var bob = await AsAsync(DemoSeed.Bob);
        using var response = await bob.GetAsync(Api("audit"));
        await OneRefusalAsync(response, HttpStatusCode.Forbidden, "audit.read.not_allowed", "GET /api/audit", DemoSeed.Bob);
    }

    [Fact]
    public async Task A_used_invitation_is_audited()
    {
        using var dave = await AsAsync(DemoSeed.Dave);
        using var created = await dave.PostAsJsonAsync(Api($"vos/{DemoSeed.CohortVo}/invitations"), new { role = "member" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var token = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        var outsider = new DemoSession.Person(TestFederation.University, "erin", "Erin Outsider", ["student"]);
        using var erin = portal.CreateBrowserClient();
        await DemoSession.SignInAsync(erin, outsider);
        using var first = await erin.PostAsJsonAsync(Api("invitations/accept"), new { token });
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);

        using var again = await erin.PostAsJsonAsync(Api("invitations/accept"), new { token });
        Assert.Equal(HttpStatusCode.Gone, again.StatusCode);
        var code = await ProblemCode.OfAsync(again);
        var e = Assert.Single(await RefusedAsync(code!, "POST /api/invitations/accept"));
        Assert.NotNull(e.ActorUserId);
    }

    [Fact]
    public async Task A_scope_refusal_and_a_revoked_token_are_audited_with_the_token()
    {
        using var bob = await AsAsync(DemoSeed.Bob);
        using var created = await bob.PostAsJsonAsync(Api("tokens"), new { name = "script", scopes = CatalogueOnly, expiresInDays = 30 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var tokenId = body.GetProperty("token").GetProperty("id").GetGuid();
        using var client = portal.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", body.GetProperty("value").GetString());

        using var passport = await client.GetAsync(Api("permissions/me"));
        Assert.Equal(HttpStatusCode.Forbidden, passport.StatusCode);
        var scopeCode = await ProblemCode.OfAsync(passport);
        var scoped = Assert.Single(await RefusedAsync(scopeCode!, "GET /api/permissions/me"));
        Assert.Equal(tokenId, scoped.ApiTokenId);
        Assert.Equal(DemoSeed.Bob, scoped.ActorUserId);

        using var revoked = await bob.DeleteAsync(Api($"tokens/{tokenId}"));
        Assert.True(revoked.IsSuccessStatusCode);
        using var me = await client.GetAsync(Api("me"));
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        var code = await ProblemCode.OfAsync(me);
        Assert.Single(await RefusedAsync(code!, "GET /api/me"));
    }

    [Fact]
    public async Task Asking_without_any_credentials_is_no_event()
    {
        using var anonymous = portal.CreateBrowserClient();
        using var response = await anonymous.GetAsync(Api("vos/open"));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(await RefusedAsync((await ProblemCode.OfAsync(response))!, "GET /api/vos/open"));
    }

    [Fact]
    public async Task A_hundred_identical_refusals_are_one_event_with_their_count()
    {
        using var bob = await AsAsync(DemoSeed.Bob);
        for (var i = 0; i < 100; i++)
        {
            using var response = await bob.GetAsync(Api("audit/export"));
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }
        // The same refusal once the window has closed is a new event.
        portal.Clock.Advance(portal.Services.GetRequiredService<RefusalAudit>().Window);
        using (var later = await bob.GetAsync(Api("audit/export")))
        {
            Assert.Equal(HttpStatusCode.Forbidden, later.StatusCode);
        }

        var events = await RefusedAsync("audit.read.not_allowed", "GET /api/audit/export");
        Assert.Equal([100, 1], events.OrderBy(e => e.Id).Select(e => e.Details!.RootElement.GetProperty("count").GetInt32()));
        Assert.All(events, e => Assert.Equal(DemoSeed.Bob, e.ActorUserId));
    }
}
