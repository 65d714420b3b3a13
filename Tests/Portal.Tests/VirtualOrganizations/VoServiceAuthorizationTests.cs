using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Demo;
using Portal.Features.SignIn;
using Portal.Features.VirtualOrganizations;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.VirtualOrganizations;

/// <summary>
/// The services decide on their own: a Blazor page that showed an admin button to the wrong person, or a forged
/// principal, still gets refused, and nothing changes.
/// </summary>
public sealed class VoServiceAuthorizationTests(DemoPortalFactory portal) : IClassFixture<DemoPortalFactory>
{
    private VoService Vos => portal.Services.GetRequiredService<VoService>();
    private InvitationService Invitations => portal.Services.GetRequiredService<InvitationService>();
    private JoinRequestService Joins => portal.Services.GetRequiredService<JoinRequestService>();

    private static readonly CancellationToken Ct = CancellationToken.None;

    /// <summary>Every admin action of the services, called as the given caller on a fresh world.</summary>
    private static IEnumerable<(string Action, Func<VoWorld, Caller, Task<Failure?>> Run)> AdminActions(DemoPortalFactory p)
    {
        var vos = p.Services.GetRequiredService<VoService>();
        var inv = p.Services.GetRequiredService<InvitationService>();
        var joins = p.Services.GetRequiredService<JoinRequestService>();
        yield return ("change role", async (w, c) => (await vos.ChangeRoleAsync(c, w.VoId, DemoSeed.Bob, "admin", Ct)).Failure);
        yield return ("set expiry", async (w, c) => (await vos.SetExpiryAsync(c, w.VoId, DemoSeed.Bob, null, Ct)).Failure);
        yield return ("remove", async (w, c) => (await vos.RemoveAsync(c, w.VoId, DemoSeed.Bob, null, Ct)).Failure);
        yield return ("invite", async (w, c) => (await inv.CreateAsync(c, w.VoId, new CreateInvitationInput(null, "admin", null, null), Ct)).Failure);
        yield return ("list invitations", async (w, c) => (await inv.ListAsync(c, w.VoId, Ct)).Failure);
        yield return ("revoke", async (w, c) => (await inv.RevokeAsync(c, w.VoId, w.LinkInvitationId, Ct)).Failure);
        yield return ("list join requests", async (w, c) => (await joins.ListAsync(c, w.VoId, Ct)).Failure);
        yield return ("approve", async (w, c) => (await joins.ApproveAsync(c, w.VoId, w.ErinId, Ct)).Failure);
        yield return ("reject", async (w, c) => (await joins.RejectAsync(c, w.VoId, w.ErinId, null, Ct)).Failure);
    }

    [Fact]
    public async Task Admin_actions_called_directly_refuse_members_outsiders_other_admins_and_nobody()
    {
        var callers = new (string Who, Caller Caller, FailureKind Expected)[]
        {
            ("member", VoWorld.CallerFor(DemoSeed.Bob), FailureKind.Forbidden),
            ("non-member", VoWorld.CallerFor(DemoSeed.Carol), FailureKind.Forbidden),
            ("admin of another VO", VoWorld.CallerFor(DemoSeed.Alice), FailureKind.Forbidden),
            ("anonymous principal", VoWorld.CallerFor(null), FailureKind.Unauthorized),
            ("forged principal of no user", VoWorld.CallerFor(Guid.NewGuid()), FailureKind.Unauthorized),
        };
        foreach (var (action, run) in AdminActions(portal))
        {
            foreach (var (who, caller, expected) in callers)
            {
                var world = await VoWorld.CreateAsync(portal);
                var before = await VoWorld.SnapshotAsync(portal);
                var failure = await run(world, caller);
                Assert.True(failure?.Kind == expected, $"{action} as {who}: expected {expected}, got {failure?.Kind.ToString() ?? "success"}");
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
        var result = await Vos.MembersAsync(VoWorld.CallerFor(world.ErinId), world.VoId, Ct);
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
        var result = await Invitations.CreateAsync(VoWorld.CallerFor(DemoSeed.Carol), world.VoId, new CreateInvitationInput(null, null, null, null), Ct);
        Assert.Equal(FailureKind.Forbidden, result.Failure?.Kind);
        var members = await Vos.MembersAsync(VoWorld.CallerFor(DemoSeed.Dave), world.VoId, Ct);
        Assert.Equal(MembershipState.Expired, members.Value!.Single(m => m.UserId == DemoSeed.Carol).Status);
    }

    [Fact]
    public async Task Join_requests_and_accepting_refuse_anonymous_principals()
    {
        var world = await VoWorld.CreateAsync(portal);
        Assert.Equal(FailureKind.Unauthorized, (await Joins.RequestAsync(VoWorld.CallerFor(null), world.VoId, null, Ct)).Failure?.Kind);
        Assert.Equal(FailureKind.Unauthorized, (await Invitations.AcceptAsync(VoWorld.CallerFor(null), world.LinkToken, Ct)).Failure?.Kind);
        Assert.Equal(FailureKind.Unauthorized, (await Vos.CreateAsync(VoWorld.CallerFor(null), new CreateVoInput("x", null, null, null), Ct)).Failure?.Kind);
    }
}
