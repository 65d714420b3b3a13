using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Audit;
using Portal.Features.Demo;
using Portal.Features.VirtualOrganizations;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.VirtualOrganizations;

/// <summary>Each change through the API: its effect, its audit event (committed with it) and its notification.</summary>
public sealed class VoFlowTests(DemoPortalFactory portal) : IClassFixture<DemoPortalFactory>
{
    private async Task<HttpClient> AsAsync(Guid user)
    {
        var client = portal.CreateBrowserClient();
        await DemoSession.SignInAsync(client, user);
        return client;
    }

    private async Task<AuditEvent> SingleAuditAsync(string type, Guid voId, Guid actor)
    {
        await using var db = portal.CreateDb();
        var e = await db.AuditEvents.Where(a => a.Type == type && a.VoId == voId).ToListAsync();
        var only = Assert.Single(e);
        Assert.Equal(actor, only.ActorUserId);
        Assert.Equal(AuditOutcome.Success, only.Outcome);
        return only;
    }

    private async Task<List<Notification>> NotificationsAsync(Guid user, string kind)
    {
        await using var db = portal.CreateDb();
        return await db.Notifications.Where(n => n.UserId == user && n.Kind == kind).ToListAsync();
    }

    [Fact]
    public async Task Creating_a_vo_makes_the_creator_its_only_admin_and_is_audited()
    {
        using var carol = await AsAsync(DemoSeed.Carol);
        using var response = await carol.PostAsJsonAsync("/api/vos", new
        {
            name = "  Rare Diseases Network ",
            description = "Sharing registries",
            joinPolicy = "open-with-approval",
            defaultMembershipDays = 180,
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var vo = await response.Content.ReadFromJsonAsync<JsonElement>();
        var id = vo.GetProperty("id").GetGuid();
        Assert.Equal($"/api/vos/{id}", response.Headers.Location?.ToString());
        Assert.Equal("Rare Diseases Network", vo.GetProperty("name").GetString());
        Assert.Equal("OpenWithApproval", vo.GetProperty("joinPolicy").GetString());
        Assert.Equal("Admin", vo.GetProperty("myRole").GetString());

        await using var db = portal.CreateDb();
        var m = Assert.Single(await db.Memberships.Where(x => x.VoId == id).ToListAsync());
        Assert.Equal((DemoSeed.Carol, VoRole.Admin, MembershipStatus.Active, (DateTimeOffset?)null), (m.UserId, m.Role, m.Status, m.ExpiresAt));
        var audit = await SingleAuditAsync("vo.created", id, DemoSeed.Carol);
        Assert.Equal("Carol Steward", audit.ActorName);
    }

    [Fact]
    public async Task My_vos_are_paginated_with_a_total()
    {
        using var bob = await AsAsync(DemoSeed.Bob);
        for (var i = 0; i < 3; i++)
        {
            using var r = await bob.PostAsJsonAsync("/api/vos", new { name = $"Bob's VO {i} {Guid.NewGuid():N}" });
            Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        }
        var all = await bob.GetFromJsonAsync<JsonElement>("/api/vos?pageSize=100");
        var total = all.GetProperty("total").GetInt32();
        Assert.True(total >= 4, "three new VOs and the demo VO");
        Assert.Equal(total, all.GetProperty("items").GetArrayLength());

        var page2 = await bob.GetFromJsonAsync<JsonElement>("/api/vos?page=2&pageSize=2");
        Assert.Equal(total, page2.GetProperty("total").GetInt32());
        Assert.Equal(2, page2.GetProperty("page").GetInt32());
        Assert.Equal(Math.Min(2, total - 2), page2.GetProperty("items").GetArrayLength());
        Assert.Equal(all.GetProperty("items")[2].GetProperty("id").GetGuid(), page2.GetProperty("items")[0].GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task A_link_invitation_stores_only_the_hash_and_accepting_it_makes_a_member_and_tells_the_inviter()
    {
        var world = await VoWorld.CreateAsync(portal);
        using var dave = await AsAsync(DemoSeed.Dave);
        var membershipEnd = portal.Clock.GetUtcNow().AddDays(60);
        using var created = await dave.PostAsJsonAsync($"/api/vos/{world.VoId}/invitations", new { role = "admin", membershipExpiresAt = membershipEnd });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var token = body.GetProperty("token").GetString()!;
        Assert.Equal($"/invitations/{token}", body.GetProperty("link").GetString());
        var invitationId = body.GetProperty("invitation").GetProperty("id").GetGuid();
        Assert.Equal(portal.Clock.GetUtcNow().AddDays(7), body.GetProperty("invitation").GetProperty("expiresAt").GetDateTimeOffset());
        await SingleAuditAsync("vo.invitation_created", world.VoId, DemoSeed.Dave);

        await using (var db = portal.CreateDb())
        {
            var row = await db.Invitations.SingleAsync(i => i.Id == invitationId);
            Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(token)), row.TokenHash);
            // The token is nowhere in the database: not in the audit details, not in a notification.
            var details = await db.AuditEvents.Where(a => a.VoId == world.VoId && a.Details != null).Select(a => a.Details!).ToListAsync();
            Assert.DoesNotContain(details, d => d.RootElement.GetRawText().Contains(token, StringComparison.Ordinal));
            Assert.False(await db.Notifications.AnyAsync(n => n.Body.Contains(token) || (n.Link != null && n.Link.Contains(token))));
        }
        // The listing shows it without the secret.
        var listed = await dave.GetStringAsync($"/api/vos/{world.VoId}/invitations");
        Assert.Contains(invitationId.ToString(), listed, StringComparison.Ordinal);
        Assert.DoesNotContain(token, listed, StringComparison.Ordinal);

        using var carol = await AsAsync(DemoSeed.Carol);
        using var accepted = await carol.PostAsJsonAsync("/api/invitations/accept", new { token });
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        await using (var db = portal.CreateDb())
        {
            var m = await db.Memberships.SingleAsync(x => x.VoId == world.VoId && x.UserId == DemoSeed.Carol);
            Assert.Equal((VoRole.Admin, MembershipStatus.Active, (DateTimeOffset?)membershipEnd), (m.Role, m.Status, m.ExpiresAt));
            var inv = await db.Invitations.SingleAsync(i => i.Id == invitationId);
            Assert.Equal(DemoSeed.Carol, inv.AcceptedById);
        }
        await SingleAuditAsync("vo.invitation_accepted", world.VoId, DemoSeed.Carol);
        var told = Assert.Single(await NotificationsAsync(DemoSeed.Dave, "vo.invitation_accepted"), n => n.Link == $"/vos/{world.VoId}");
        Assert.Contains("Carol Steward", told.Title, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_membership_from_a_link_without_its_own_end_lasts_the_vos_default()
    {
        var world = await VoWorld.CreateAsync(portal);
        using var carol = await AsAsync(DemoSeed.Carol);
        using var accepted = await carol.PostAsJsonAsync("/api/invitations/accept", new { token = world.LinkToken });
        var vo = await accepted.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(portal.Clock.GetUtcNow().AddDays(90), vo.GetProperty("myMembershipExpiresAt").GetDateTimeOffset());
        Assert.Equal("Member", vo.GetProperty("myRole").GetString());
    }

    [Fact]
    public async Task Admins_change_roles_renew_and_remove_and_each_is_audited_and_told()
    {
        var world = await VoWorld.CreateAsync(portal);
        using var dave = await AsAsync(DemoSeed.Dave);

        using (var r = await dave.PutAsJsonAsync($"/api/vos/{world.VoId}/members/{DemoSeed.Bob}/role", new { role = "admin" }))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
        var roleAudit = await SingleAuditAsync("vo.role_changed", world.VoId, DemoSeed.Dave);
        Assert.Equal("Admin", roleAudit.Details!.RootElement.GetProperty("to").GetString());
        Assert.Contains(await NotificationsAsync(DemoSeed.Bob, "vo.role_changed"), n => n.Link == $"/vos/{world.VoId}");

        var renewed = portal.Clock.GetUtcNow().AddDays(400);
        using (var r = await dave.PutAsJsonAsync($"/api/vos/{world.VoId}/members/{DemoSeed.Bob}/expiry", new { expiresAt = renewed }))
        {
            var m = await r.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(renewed, m.GetProperty("expiresAt").GetDateTimeOffset());
        }
        await SingleAuditAsync("vo.membership_expiry_set", world.VoId, DemoSeed.Dave);
        Assert.Contains(await NotificationsAsync(DemoSeed.Bob, "vo.membership_expiry"), n => n.Title.Contains(renewed.ToString("yyyy-MM-dd"), StringComparison.Ordinal));

        using (var r = await dave.DeleteAsync($"/api/vos/{world.VoId}/members/{DemoSeed.Bob}?reason=Project%20ended"))
        {
            Assert.Equal(HttpStatusCode.NoContent, r.StatusCode);
        }
        await SingleAuditAsync("vo.member_removed", world.VoId, DemoSeed.Dave);
        Assert.Contains(await NotificationsAsync(DemoSeed.Bob, "vo.member_removed"), n => n.Body.Contains("Project ended", StringComparison.Ordinal));
        await using var db = portal.CreateDb();
        var bob = await db.Memberships.SingleAsync(m => m.VoId == world.VoId && m.UserId == DemoSeed.Bob);
        Assert.Equal((MembershipStatus.Removed, (Guid?)DemoSeed.Dave, "Project ended"), (bob.Status, bob.EndedById, bob.EndReason));
    }

    [Fact]
    public async Task A_join_request_reaches_the_admins_and_approval_makes_a_member_for_the_default_length()
    {
        var world = await VoWorld.CreateAsync(portal);
        using var carol = await AsAsync(DemoSeed.Carol);
        using (var r = await carol.PostAsJsonAsync($"/api/vos/{world.VoId}/join-requests", new { message = "I run the hospital registry." }))
        {
            Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        }
        await SingleAuditAsync("vo.join_requested", world.VoId, DemoSeed.Carol);
        Assert.Contains(await NotificationsAsync(DemoSeed.Dave, "vo.join_requested"), n => n.Body.Contains("hospital registry", StringComparison.Ordinal));

        using var dave = await AsAsync(DemoSeed.Dave);
        var requests = await dave.GetFromJsonAsync<JsonElement>($"/api/vos/{world.VoId}/join-requests");
        Assert.Contains(requests.EnumerateArray(), r => r.GetProperty("userId").GetGuid() == DemoSeed.Carol
            && r.GetProperty("message").GetString() == "I run the hospital registry.");

        using (var r = await dave.PostAsync($"/api/vos/{world.VoId}/join-requests/{DemoSeed.Carol}/approve", null))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
        await SingleAuditAsync("vo.join_approved", world.VoId, DemoSeed.Dave);
        Assert.Single(await NotificationsAsync(DemoSeed.Carol, "vo.join_approved"), n => n.Link == $"/vos/{world.VoId}");
        await using (var db = portal.CreateDb())
        {
            var m = await db.Memberships.SingleAsync(x => x.VoId == world.VoId && x.UserId == DemoSeed.Carol);
            Assert.Equal((MembershipStatus.Active, (DateTimeOffset?)portal.Clock.GetUtcNow().AddDays(90)), (m.Status, m.ExpiresAt));
        }

        using (var r = await dave.PostAsJsonAsync($"/api/vos/{world.VoId}/join-requests/{world.ErinId}/reject", new { reason = "Not in scope" }))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
        await SingleAuditAsync("vo.join_rejected", world.VoId, DemoSeed.Dave);
        await using (var db = portal.CreateDb())
        {
            Assert.Equal(MembershipStatus.Rejected, (await db.Memberships.SingleAsync(x => x.VoId == world.VoId && x.UserId == world.ErinId)).Status);
            Assert.Contains(await db.Notifications.Where(n => n.UserId == world.ErinId).ToListAsync(), n => n.Body.Contains("Not in scope", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Leaving_and_revoking_are_audited_and_a_revoked_link_no_longer_works()
    {
        var world = await VoWorld.CreateAsync(portal);
        using var bob = await AsAsync(DemoSeed.Bob);
        using (var r = await bob.PostAsync($"/api/vos/{world.VoId}/leave", null))
        {
            Assert.Equal(HttpStatusCode.NoContent, r.StatusCode);
        }
        await SingleAuditAsync("vo.member_left", world.VoId, DemoSeed.Bob);
        Assert.NotEmpty(await NotificationsAsync(DemoSeed.Dave, "vo.member_left"));

        using var dave = await AsAsync(DemoSeed.Dave);
        using (var r = await dave.DeleteAsync($"/api/vos/{world.VoId}/invitations/{world.LinkInvitationId}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, r.StatusCode);
        }
        await SingleAuditAsync("vo.invitation_revoked", world.VoId, DemoSeed.Dave);
        using var again = await bob.PostAsJsonAsync("/api/invitations/accept", new { token = world.LinkToken });
        Assert.Equal(HttpStatusCode.Gone, again.StatusCode);
    }

    [Fact]
    public async Task Members_see_each_other_but_only_admins_see_addresses()
    {
        var world = await VoWorld.CreateAsync(portal);
        using var bob = await AsAsync(DemoSeed.Bob);
        var asMember = await bob.GetFromJsonAsync<JsonElement>($"/api/vos/{world.VoId}/members");
        Assert.Equal(2, asMember.GetArrayLength());
        Assert.All(asMember.EnumerateArray(), m => Assert.Equal(JsonValueKind.Null, m.GetProperty("email").ValueKind));

        using var dave = await AsAsync(DemoSeed.Dave);
        var asAdmin = await dave.GetFromJsonAsync<JsonElement>($"/api/vos/{world.VoId}/members");
        Assert.Contains(asAdmin.EnumerateArray(), m => m.GetProperty("email").GetString() == "bob@university.example.edu");
    }

    [Fact]
    public async Task The_inbox_counts_unread_and_marking_read_lowers_the_count()
    {
        var world = await VoWorld.CreateAsync(portal);
        using var bob = await AsAsync(DemoSeed.Bob);
        var before = await bob.GetFromJsonAsync<JsonElement>("/api/notifications?unreadOnly=true");
        var unread = before.GetProperty("unread").GetInt32();
        Assert.Contains(before.GetProperty("items").EnumerateArray(), n => n.GetProperty("id").GetGuid() == world.BobNotificationId);

        using (var r = await bob.PostAsync($"/api/notifications/{world.BobNotificationId}/read", null))
        {
            Assert.Equal(HttpStatusCode.NoContent, r.StatusCode);
        }
        var after = await bob.GetFromJsonAsync<JsonElement>("/api/notifications");
        Assert.Equal(unread - 1, after.GetProperty("unread").GetInt32());
        Assert.Contains(after.GetProperty("items").EnumerateArray(),
            n => n.GetProperty("id").GetGuid() == world.BobNotificationId && n.GetProperty("readAt").ValueKind == JsonValueKind.String);
    }
}
