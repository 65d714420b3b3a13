using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Demo;
using Portal.Features.Sites.Enrollment;
using Portal.Tests.Infrastructure;
using static Portal.Tests.Sites.SiteAgentKit;

namespace Portal.Tests.Sites.Enrollment;

/// <summary>POST /api/sites/enrollments: a one-time code shown once, kept as a hash, valid one hour, for people who may own datasets.</summary>
public sealed class CreateEnrollmentCodeTests(DemoPortalFactory portal) : IClassFixture<DemoPortalFactory>
{
    private static readonly Uri Enrollments = new("/api/sites/enrollments", UriKind.Relative);

    private async Task<HttpClient> SignedInAsync(Guid user)
    {
        await portal.PolicyLoadedAsync();
        var client = portal.CreateBrowserClient();
        await DemoSession.SignInAsync(client, user);
        return client;
    }

    [Fact]
    public async Task The_code_is_answered_once_with_its_command_and_stored_only_as_a_hash_for_one_hour()
    {
        using var alice = await SignedInAsync(DemoSeed.Alice);
        using var response = await alice.PostAsJsonAsync(Enrollments, new { name = "  Radiology site  " });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var code = body.GetProperty("code").GetString()!;
        var id = body.GetProperty("id").GetGuid();
        Assert.Matches("^[A-Za-z0-9_-]{43}$", code);
        Assert.Equal("Radiology site", body.GetProperty("name").GetString());
        Assert.Equal(portal.Clock.GetUtcNow().AddHours(1), body.GetProperty("expiresAt").GetDateTimeOffset());
        var portalUrl = Services(portal).Address.Origin;
        Assert.NotNull(portalUrl);
        Assert.Equal($"site-agent enroll --portal {portalUrl} --code {code} --state {EnrollmentCodes.SuggestedStateDir}", body.GetProperty("command").GetString());

        await using var db = portal.CreateDb();
        var stored = await db.SiteEnrollments.SingleAsync(e => e.Id == id);
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(code)), stored.CodeHash);
        Assert.Equal((DemoSeed.Alice, "Radiology site", TimeSpan.FromHours(1)), (stored.OwnerId, stored.AgentName, stored.ExpiresAt - stored.CreatedAt));
        Assert.Null(stored.UsedAt);
        var row = await db.Database.SqlQueryRaw<string>("SELECT row_to_json(e)::text AS \"Value\" FROM site_enrollments e WHERE id = {0}", id).SingleAsync();
        Assert.DoesNotContain(code, row, StringComparison.Ordinal);
        var audit = await db.AuditEvents.Where(e => e.Type == "site.enrollment.created" && e.ActorUserId == DemoSeed.Alice).ToListAsync();
        var created = Assert.Single(audit, e => e.Details!.RootElement.GetProperty("enrollmentId").GetGuid() == id);
        Assert.DoesNotContain(code, created.Details!.RootElement.GetRawText(), StringComparison.Ordinal);
        var anywhere = await db.Database.SqlQueryRaw<int>(
            "SELECT count(*)::int AS \"Value\" FROM audit_events WHERE details::text LIKE '%' || {0} || '%'", code).SingleAsync();
        Assert.Equal(0, anywhere);
    }

    [Fact]
    public async Task Names_follow_the_name_rules_and_are_unique_among_the_owners_agents_and_pending_codes()
    {
        using var alice = await SignedInAsync(DemoSeed.Alice);
        async Task<string?> RefusalAsync(object body)
        {
            using var r = await alice.PostAsJsonAsync(Enrollments, body);
            return r.IsSuccessStatusCode ? null : await ProblemCode.OfAsync(r);
        }
        Assert.Equal("site.enrollment.name_invalid", await RefusalAsync(new { name = "   " }));
        Assert.Equal("site.enrollment.name_invalid", await RefusalAsync(new { }));
        Assert.Equal("site.enrollment.name_invalid", await RefusalAsync(new { name = new string('n', 101) }));
        Assert.Equal("site.enrollment.name_characters", await RefusalAsync(new { name = "lab\u202Etxt" }));
        Assert.Null(await RefusalAsync(new { name = "Lab" }));
        Assert.Equal("site.enrollment.name_taken", await RefusalAsync(new { name = "Lab" }));
        await EnrolledAgentAsync(portal, DemoSeed.Alice, "Enrolled lab");
        Assert.Equal("site.enrollment.name_taken", await RefusalAsync(new { name = "Enrolled lab" }));

        // Another owner's names are hers.
        using var carol = await SignedInAsync(DemoSeed.Carol);
        using var other = await carol.PostAsJsonAsync(Enrollments, new { name = "Lab" });
        Assert.Equal(HttpStatusCode.Created, other.StatusCode);

        await using var db = portal.CreateDb();
        Assert.Equal(1, await db.SiteEnrollments.CountAsync(e => e.OwnerId == DemoSeed.Alice && e.AgentName == "Lab"));
    }

    [Fact]
    public async Task A_person_without_a_home_institution_may_not_make_a_code()
    {
        var now = portal.Clock.GetUtcNow();
        var local = new User
        {
            Id = Guid.CreateVersion7(now),
            Issuer = "local",
            Subject = "no-institution",
            DisplayName = "Local Person",
            Email = "local@example.org",
            CreatedAt = now,
        };
        await using (var db = portal.CreateDb())
        {
            db.Users.Add(local);
            await db.SaveChangesAsync();
        }
        var refused = await CreateEnrollmentCode.HandleAsync(Services(portal), CallerFor(local.Id), new("Mine"), CancellationToken.None);
        Assert.Equal("site.enrollment.not_allowed", refused.Failure?.Code);
        await using var check = portal.CreateDb();
        Assert.False(await check.SiteEnrollments.AnyAsync(e => e.OwnerId == local.Id));
    }

    [Fact]
    public async Task A_token_needs_the_datasets_manage_scope()
    {
        using var alice = await SignedInAsync(DemoSeed.Alice);
        async Task<HttpClient> ScriptAsync(string scope)
        {
            using var made = await alice.PostAsJsonAsync(new Uri("/api/tokens", UriKind.Relative), new { name = $"script {scope}", scopes = new[] { scope }, expiresInDays = 7 });
            var value = (await made.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("value").GetString();
            var client = portal.CreateBrowserClient();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", value);
            return client;
        }
        await using var db = portal.CreateDb();
        var before = await db.SiteEnrollments.CountAsync();

        using var reader = await ScriptAsync("catalogue:read");
        using var refused = await reader.PostAsJsonAsync(Enrollments, new { name = "By script" });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("token.scope_missing", await ProblemCode.OfAsync(refused));
        Assert.Equal(before, await db.SiteEnrollments.CountAsync());

        using var manager = await ScriptAsync("datasets:manage");
        using var made = await manager.PostAsJsonAsync(Enrollments, new { name = "By script" });
        Assert.Equal(HttpStatusCode.Created, made.StatusCode);
    }
}
