using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Demo;
using Portal.Features.SignIn;
using Portal.Features.VirtualOrganizations;
using Portal.Features.VirtualOrganizations.Invitations;
using Portal.Features.VirtualOrganizations.JoinRequests;
using Portal.Features.VirtualOrganizations.Members;
using Portal.Features.VirtualOrganizations.Organizations;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.VirtualOrganizations;

/// <summary>
/// The use cases decide on their own: a Blazor page that showed an admin button to the wrong person, or a forged
/// principal, still gets refused, and nothing changes.
/// </summary>
public sealed class VoUseCaseAuthorizationTests(DemoPortalFactory portal) : IClassFixture<DemoPortalFactory>
{
    private VoServices Services => portal.Services.GetRequiredService<VoServices>();

    private static readonly CancellationToken Ct = CancellationToken.None;

    /// <summary>Every admin use case, called as the given caller on a fresh world.</summary>
    private static IEnumerable<(string Action, Func<VoWorld, Caller, Task<Failure?>> Run)> AdminActions(DemoPortalFactory p)
    {
        var s = p.Services.GetRequiredService<VoServices>();
        yield return ("change role", async (w, c) => (await ChangeMemberRole.HandleAsync(s, c, new(w.VoId, DemoSeed.Bob, "admin"), Ct)).Failure);
        yield return ("set expiry", async (w, c) => (await SetMembershipExpiry.HandleAsync(s, c, new(w.VoId, DemoSeed.Bob, null), Ct)).Failure);
        yield return ("remove", async (w, c) => (await RemoveMember.HandleAsync(s, c, new(w.VoId, DemoSeed.Bob, null), Ct)).Failure);
        yield return ("invite", async (w, c) => (await CreateInvitation.HandleAsync(s, c, w.VoId, new(null, "admin", null, null), Ct)).Failure);
        yield return ("list invitations", async (w, c) => (await ListInvitations.HandleAsync(s, c, w.VoId, Ct)).Failure);
        yield return ("revoke", async (w, c) => (await RevokeInvitation.HandleAsync(s, c, new(w.VoId, w.LinkInvitationId), Ct)).Failure);
        yield return ("list join requests", async (w, c) => (await ListJoinRequests.HandleAsync(s, c, w.VoId, Ct)).Failure);
        yield return ("approve", async (w, c) => (await ApproveJoinRequest.HandleAsync(s, c, new(w.VoId, w.ErinId), Ct)).Failure);
        yield return ("deny", async (w, c) => (await DenyJoinRequest.HandleAsync(s, c, new(w.VoId, w.ErinId, null), Ct)).Failure);
    }

    [Fact]
    public async Task Admin_actions_called_directly_refuse_members_outsiders_other_admins_and_nobody()
    {
        var callers = new (string Who, Caller Caller, string Expected)[]
        {
            ("member", VoWorld.CallerFor(DemoSeed.Bob), "vo.member.admin_required"),
            ("non-member", VoWorld.CallerFor(DemoSeed.Carol), "vo.member.admin_required"),
            ("admin of another VO", VoWorld.CallerFor(DemoSeed.Alice), "vo.member.admin_required"),
            ("anonymous principal", VoWorld.CallerFor(null), Failure.SignInRequired.Code),
            ("forged principal of no user", VoWorld.CallerFor(Guid.NewGuid()), Failure.SignInRequired.Code),
        };
        foreach (var (action, run) in AdminActions(portal))
        {
            foreach (var (who, caller, expected) in callers)
            {
                var world = await VoWorld.CreateAsync(portal);
                var before = await VoWorld.SnapshotAsync(portal);
                var failure = await run(world, caller);
                Assert.True(failure?.Code == expected, $"{action} as {who}: expected {expected}, got {failure?.Code ?? "success"}");
                Assert.Equal(before, await VoWorld.SnapshotAsync(portal));
            }
        }
    }

    [Fact]
    public async Task The_same_actions_succeed_for_the_vos_admin()
    {
        foreach (var (action, run) in AdminActions(portal))
        {
            var world = await VoWorld.CreateAsync(portal);
            var failure = await run(world, VoWorld.CallerFor(DemoSeed.Dave));
            Assert.True(failure is null, $"{action} as admin: {failure}");
        }
    }

    [Fact]
    public async Task A_suspended_admin_may_do_nothing()
    {
        var world = await VoWorld.CreateAsync(portal);
        var now = portal.Clock.GetUtcNow();
        await using (var db = portal.CreateDb())
        {
            // Erin's pending request is her one row in this VO: make it a live admin membership.
            var row = db.Memberships.Single(m => m.VoId == world.VoId && m.UserId == world.ErinId);
            row.Status = MembershipStatus.Active;
            row.Role = VoRole.Admin;
            row.ActivatedAt = now;
            await db.SaveChangesAsync();
        }
        await using (var db = portal.CreateDb())
        {
            var erin = await db.Users.FindAsync(world.ErinId);
            erin!.Suspended = true;
            erin.SuspendedAt = now;
            await db.SaveChangesAsync();
        }
        var result = await ListMembers.HandleAsync(Services, VoWorld.CallerFor(world.ErinId), world.VoId, Ct);
        Assert.Equal(FailureKind.Forbidden, result.Failure?.Kind);
    }

    [Fact]
    public async Task An_admin_whose_membership_expired_is_no_longer_admin()
    {
        var world = await VoWorld.CreateAsync(portal);
        await using (var db = portal.CreateDb())
        {
            var lapsed = VoWorld.Active(DemoSeed.Carol, VoRole.Admin, portal.Clock.GetUtcNow().AddDays(-10), portal.Clock.GetUtcNow().AddSeconds(-1));
            lapsed.VoId = world.VoId;
            db.Memberships.Add(lapsed);
            await db.SaveChangesAsync();
        }
        var result = await CreateInvitation.HandleAsync(Services, VoWorld.CallerFor(DemoSeed.Carol), world.VoId, new(null, null, null, null), Ct);
        Assert.Equal("vo.member.admin_required", result.Failure?.Code);
        var members = await ListMembers.HandleAsync(Services, VoWorld.CallerFor(DemoSeed.Dave), world.VoId, Ct);
        Assert.Equal(MembershipState.Expired, members.Value!.Single(m => m.UserId == DemoSeed.Carol).Status);
    }

    [Fact]
    public async Task Join_requests_and_accepting_refuse_anonymous_principals()
    {
        var world = await VoWorld.CreateAsync(portal);
        var anonymous = VoWorld.CallerFor(null);
        Assert.Equal(Failure.SignInRequired.Code, (await AskToJoin.HandleAsync(Services, anonymous, world.VoId, null, Ct)).Failure?.Code);
        Assert.Equal(Failure.SignInRequired.Code, (await AcceptInvitation.HandleAsync(Services, anonymous, world.LinkToken, Ct)).Failure?.Code);
        Assert.Equal(Failure.SignInRequired.Code, (await CreateVo.HandleAsync(Services, anonymous, new("x", null, null, null), Ct)).Failure?.Code);
    }
}
