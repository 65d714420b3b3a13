using System.Net;
using System.Net.Http.Json;
using Portal.Features.Demo;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.VirtualOrganizations;

/// <summary>Bad input: each a problem naming the field, and nothing changed in the database (rows, audit, notifications).</summary>
public sealed class VoBadInputTests(DemoPortalFactory portal) : IClassFixture<DemoPortalFactory>
{
    private async Task<HttpClient> AsAsync(Guid user)
    {
        var client = portal.CreateBrowserClient();
        await DemoSession.SignInAsync(client, user);
        return client;
    }

    private async Task AssertRefusedAsync(Func<Task<HttpResponseMessage>> send, HttpStatusCode status, string? field)
    {
        var before = await VoWorld.SnapshotAsync(portal);
        using var response = await send();
        await ApiProblem.AssertAsync(response, status, field);
        Assert.Equal(before, await VoWorld.SnapshotAsync(portal));
    }

    public static TheoryData<string, object, int, string> CreateCases() => new()
    {
        { "empty name", new { name = "  " }, 400, "name" },
        { "name of 201 characters", new { name = new string('n', 201) }, 400, "name" },
        { "description of 4001 characters", new { name = "Fine name", description = new string('d', 4001) }, 400, "description" },
        { "unknown join policy", new { name = "Fine name", joinPolicy = "everyone" }, 400, "joinPolicy" },
        { "zero membership days", new { name = "Fine name", defaultMembershipDays = 0 }, 400, "defaultMembershipDays" },
        { "duplicate name, other case", new { name = "hiv cohort COLLABORATION" }, 409, "name" },
    };

    [Theory]
    [MemberData(nameof(CreateCases))]
    public async Task Creating_a_vo_with_bad_input_is_refused_and_changes_nothing(string why, object body, int status, string field)
    {
        Assert.NotNull(why);
        using var carol = await AsAsync(DemoSeed.Carol);
        await AssertRefusedAsync(() => carol.PostAsJsonAsync("/api/vos", body), (HttpStatusCode)status, field);
    }

    [Fact]
    public async Task Names_of_exactly_200_and_descriptions_of_exactly_4000_characters_are_accepted()
    {
        using var carol = await AsAsync(DemoSeed.Carol);
        using var response = await carol.PostAsJsonAsync("/api/vos", new { name = new string('x', 199) + "!", description = new string('d', 4000) });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    public static TheoryData<string, string, int, string> InvitationCases() => new()
    {
        { "expiry in the past", """{"expiresAt":"2026-10-31T09:00:00Z"}""", 400, "expiresAt" },
        { "expiry now", """{"expiresAt":"2026-11-01T09:00:00Z"}""", 400, "expiresAt" },
        { "expiry after 30 days", """{"expiresAt":"2026-12-01T09:00:01Z"}""", 400, "expiresAt" },
        { "not an e-mail address", """{"email":"bob at university"}""", 400, "email" },
        { "e-mail with a display name", """{"email":"Bob <bob@x.org>"}""", 400, "email" },
        { "unknown role", """{"role":"owner"}""", 400, "role" },
        { "membership ends before the invitation", """{"membershipExpiresAt":"2026-11-02T09:00:00Z"}""", 400, "membershipExpiresAt" },
        { "someone already a member", """{"email":"BOB@university.example.edu"}""", 409, "email" },
    };

    [Theory]
    [MemberData(nameof(InvitationCases))]
    public async Task Inviting_with_bad_input_is_refused_and_changes_nothing(string why, string json, int status, string field)
    {
        Assert.NotNull(why);
        var world = await VoWorld.CreateAsync(portal);
        using var dave = await AsAsync(DemoSeed.Dave);
        await AssertRefusedAsync(() => dave.PostAsync($"/api/vos/{world.VoId}/invitations",
            new StringContent(json, System.Text.Encoding.UTF8, "application/json")), (HttpStatusCode)status, field);
    }

    [Fact]
    public async Task An_invitation_valid_for_exactly_30_days_is_accepted_and_a_second_for_the_same_address_is_a_conflict()
    {
        var world = await VoWorld.CreateAsync(portal);
        using var dave = await AsAsync(DemoSeed.Dave);
        using var first = await dave.PostAsJsonAsync($"/api/vos/{world.VoId}/invitations",
            new { email = "New.Person@Example.org", expiresAt = portal.Clock.GetUtcNow().AddDays(30) });
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);

        await AssertRefusedAsync(() => dave.PostAsJsonAsync($"/api/vos/{world.VoId}/invitations", new { email = "new.person@example.org" }),
            HttpStatusCode.Conflict, "email");
    }

    [Fact]
    public async Task Accepting_an_unknown_expired_revoked_or_used_link_is_refused_and_changes_nothing()
    {
        var world = await VoWorld.CreateAsync(portal);
        var now = portal.Clock.GetUtcNow();
        await using (var db = portal.CreateDb())
        {
            var expired = VoWorld.Invitation(world.VoId, null, "expired-token", now, TimeSpan.FromSeconds(-1));
            expired.CreatedAt = now.AddDays(-8);
            var revoked = VoWorld.Invitation(world.VoId, null, "revoked-token", now);
            revoked.RevokedAt = now.AddHours(-1);
            var used = VoWorld.Invitation(world.VoId, null, "used-token", now);
            used.AcceptedAt = now.AddHours(-1);
            used.AcceptedById = DemoSeed.Alice;
            db.Invitations.AddRange(expired, revoked, used);
            await db.SaveChangesAsync();
        }
        using var carol = await AsAsync(DemoSeed.Carol);
        await AssertRefusedAsync(() => carol.PostAsJsonAsync("/api/invitations/accept", new { token = "no-such-token" }), HttpStatusCode.BadRequest, "token");
        await AssertRefusedAsync(() => carol.PostAsJsonAsync("/api/invitations/accept", new { token = "" }), HttpStatusCode.BadRequest, "token");
        await AssertRefusedAsync(() => carol.PostAsJsonAsync("/api/invitations/accept", new { token = "expired-token" }), HttpStatusCode.Gone, "token");
        await AssertRefusedAsync(() => carol.PostAsJsonAsync("/api/invitations/accept", new { token = "revoked-token" }), HttpStatusCode.Gone, "token");
        await AssertRefusedAsync(() => carol.PostAsJsonAsync("/api/invitations/accept", new { token = "used-token" }), HttpStatusCode.Gone, "token");
    }

    [Fact]
    public async Task A_link_works_once_the_second_use_is_gone()
    {
        var world = await VoWorld.CreateAsync(portal);
        using var carol = await AsAsync(DemoSeed.Carol);
        using var first = await carol.PostAsJsonAsync("/api/invitations/accept", new { token = world.LinkToken });
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);

        using var alice = await AsAsync(DemoSeed.Alice);
        await AssertRefusedAsync(() => alice.PostAsJsonAsync("/api/invitations/accept", new { token = world.LinkToken }), HttpStatusCode.Gone, "token");
    }

    [Fact]
    public async Task An_email_invitation_for_someone_else_says_whose_it_is_and_changes_nothing()
    {
        var world = await VoWorld.CreateAsync(portal);
        await using (var db = portal.CreateDb())
        {
            db.Invitations.Add(VoWorld.Invitation(world.VoId, "carol@hospital.example.org", "carols-token", portal.Clock.GetUtcNow()));
            await db.SaveChangesAsync();
        }
        using var alice = await AsAsync(DemoSeed.Alice);
        var before = await VoWorld.SnapshotAsync(portal);
        using var response = await alice.PostAsJsonAsync("/api/invitations/accept", new { token = "carols-token" });
        var detail = await ApiProblem.AssertAsync(response, HttpStatusCode.Forbidden, "token");
        Assert.Contains("carol@hospital.example.org", detail, StringComparison.Ordinal);
        Assert.Contains("alice@hospital.example.org", detail, StringComparison.Ordinal);
        Assert.Equal(before, await VoWorld.SnapshotAsync(portal));

        // The address matches case-insensitively.
        await using (var db = portal.CreateDb())
        {
            db.Invitations.Add(VoWorld.Invitation(world.VoId, "ALICE@Hospital.Example.org".ToLowerInvariant(), "alices-token", portal.Clock.GetUtcNow()));
            await db.SaveChangesAsync();
        }
        using var ok = await alice.PostAsJsonAsync("/api/invitations/accept", new { token = "alices-token" });
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task Membership_ends_in_the_past_are_refused()
    {
        var world = await VoWorld.CreateAsync(portal);
        using var dave = await AsAsync(DemoSeed.Dave);
        await AssertRefusedAsync(() => dave.PutAsJsonAsync($"/api/vos/{world.VoId}/members/{DemoSeed.Bob}/expiry",
            new { expiresAt = portal.Clock.GetUtcNow().AddMinutes(-1) }), HttpStatusCode.BadRequest, "expiresAt");
    }

    [Fact]
    public async Task The_last_admin_can_neither_leave_nor_be_demoted_nor_removed_nor_given_an_end()
    {
        var world = await VoWorld.CreateAsync(portal);
        using var dave = await AsAsync(DemoSeed.Dave);
        await AssertRefusedAsync(() => dave.PostAsync($"/api/vos/{world.VoId}/leave", null), HttpStatusCode.Conflict, "role");
        await AssertRefusedAsync(() => dave.PutAsJsonAsync($"/api/vos/{world.VoId}/members/{DemoSeed.Dave}/role", new { role = "member" }),
            HttpStatusCode.Conflict, "role");
        await AssertRefusedAsync(() => dave.DeleteAsync($"/api/vos/{world.VoId}/members/{DemoSeed.Dave}"), HttpStatusCode.Conflict, "userId");
        await AssertRefusedAsync(() => dave.PutAsJsonAsync($"/api/vos/{world.VoId}/members/{DemoSeed.Dave}/expiry",
            new { expiresAt = portal.Clock.GetUtcNow().AddDays(3) }), HttpStatusCode.Conflict, "expiresAt");

        // With a second admin, Dave may go.
        using var promote = await dave.PutAsJsonAsync($"/api/vos/{world.VoId}/members/{DemoSeed.Bob}/role", new { role = "admin" });
        Assert.Equal(HttpStatusCode.OK, promote.StatusCode);
        using var leave = await dave.PostAsync($"/api/vos/{world.VoId}/leave", null);
        Assert.Equal(HttpStatusCode.NoContent, leave.StatusCode);
    }

    [Theory]
    [InlineData("page=0", "page")]
    [InlineData("pageSize=0", "pageSize")]
    [InlineData("pageSize=101", "pageSize")]
    public async Task Bad_paging_names_the_parameter(string query, string field)
    {
        using var bob = await AsAsync(DemoSeed.Bob);
        using var response = await bob.GetAsync($"/api/vos?{query}");
        await ApiProblem.AssertAsync(response, HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task Join_requests_with_overlong_messages_twice_or_to_invitation_only_vos_are_refused()
    {
        var open = await VoWorld.CreateAsync(portal);
        var closed = await VoWorld.CreateAsync(portal, VoJoinPolicy.InvitationOnly);
        using var carol = await AsAsync(DemoSeed.Carol);
        await AssertRefusedAsync(() => carol.PostAsJsonAsync($"/api/vos/{open.VoId}/join-requests", new { message = new string('m', 2001) }),
            HttpStatusCode.BadRequest, "message");
        await AssertRefusedAsync(() => carol.PostAsJsonAsync($"/api/vos/{closed.VoId}/join-requests", new { message = "hi" }),
            HttpStatusCode.Forbidden, null);
        using var first = await carol.PostAsJsonAsync($"/api/vos/{open.VoId}/join-requests", new { message = "hi" });
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        await AssertRefusedAsync(() => carol.PostAsJsonAsync($"/api/vos/{open.VoId}/join-requests", new { message = "again" }),
            HttpStatusCode.Conflict, "voId");
    }

    [Fact]
    public async Task An_invitation_only_vo_is_hidden_from_non_members()
    {
        var closed = await VoWorld.CreateAsync(portal, VoJoinPolicy.InvitationOnly);
        using var carol = await AsAsync(DemoSeed.Carol);
        using var response = await carol.GetAsync($"/api/vos/{closed.VoId}");
        await ApiProblem.AssertAsync(response, HttpStatusCode.Forbidden, null);
        using var unknown = await carol.GetAsync($"/api/vos/{Guid.NewGuid()}");
        await ApiProblem.AssertAsync(unknown, HttpStatusCode.NotFound, null);
    }
}
