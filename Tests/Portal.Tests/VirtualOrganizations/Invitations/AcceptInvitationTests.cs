using System.Net;
using System.Net.Http.Json;
using Portal.Features.Demo;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.VirtualOrganizations.Invitations;

/// <summary>POST /api/invitations/accept refuses unusable links with their own codes, and changes nothing.</summary>
public sealed class AcceptInvitationTests(DemoPortalFactory portal) : IClassFixture<DemoPortalFactory>
{
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
        using var carol = await VoRefusals.SignedInAsync(portal, DemoSeed.Carol);
        foreach (var (token, status, code) in new[]
        {
            ("no-such-token", HttpStatusCode.BadRequest, "vo.invitation.token_invalid"),
            ("", HttpStatusCode.BadRequest, "vo.invitation.token_required"),
            ("expired-token", HttpStatusCode.Gone, "vo.invitation.expired"),
            ("revoked-token", HttpStatusCode.Gone, "vo.invitation.revoked"),
            ("used-token", HttpStatusCode.Gone, "vo.invitation.used"),
        })
        {
            await VoRefusals.AssertRefusedAsync(portal, () => carol.PostAsJsonAsync("/api/invitations/accept", new { token }), status, "token", code);
        }
    }

    [Fact]
    public async Task A_link_works_once_the_second_use_is_gone()
    {
        var world = await VoWorld.CreateAsync(portal);
        using var carol = await VoRefusals.SignedInAsync(portal, DemoSeed.Carol);
        using var first = await carol.PostAsJsonAsync("/api/invitations/accept", new { token = world.LinkToken });
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);

        using var alice = await VoRefusals.SignedInAsync(portal, DemoSeed.Alice);
        await VoRefusals.AssertRefusedAsync(portal, () => alice.PostAsJsonAsync("/api/invitations/accept", new { token = world.LinkToken }),
            HttpStatusCode.Gone, "token", "vo.invitation.used");
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
        using var alice = await VoRefusals.SignedInAsync(portal, DemoSeed.Alice);
        var before = await VoWorld.SnapshotAsync(portal);
        using var response = await alice.PostAsJsonAsync("/api/invitations/accept", new { token = "carols-token" });
        var detail = await ApiProblem.AssertAsync(response, HttpStatusCode.Forbidden, "token", "vo.invitation.wrong_person");
        // Which addresses are involved is data the person needs to act, not wording: the sentence must name both.
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
}
