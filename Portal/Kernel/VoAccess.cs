using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.SignIn;

namespace Portal.Kernel;

/// <summary>
/// The authorization rules of the VO services, read from the database inside the operation's own transaction.
/// They agree with the policy engine's ManageVoMembership rule (a live admin membership), but read the database
/// rather than the engine: the engine follows the database a few milliseconds later, and a decision such as
/// "is this the last admin" must see the very rows the change is about to modify.
/// </summary>
public static class VoAccess
{
    /// <summary>The caller's user row: unknown principals are not signed in, suspended users may do nothing.</summary>
    public static async Task<Outcome<User>> CallerAsync(PortalDb db, Caller caller, CancellationToken ct)
    {
        if (caller.UserId is not { } id)
        {
            return Failure.SignInRequired;
        }
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == id, ct);
        if (user is null)
        {
            return Failure.SignInRequired;
        }
        return user.Suspended ? Failure.Forbidden("Your account is suspended.") : user;
    }

    public static async Task<Outcome<VirtualOrganization>> VoAsync(PortalDb db, Guid voId, CancellationToken ct)
    {
        var vo = await db.VirtualOrganizations.SingleOrDefaultAsync(v => v.Id == voId && v.ArchivedAt == null, ct);
        return vo is null ? Failure.NotFound("No such virtual organization.") : vo;
    }

    public static Task<Membership?> MembershipAsync(PortalDb db, Guid voId, Guid userId, CancellationToken ct) =>
        db.Memberships.SingleOrDefaultAsync(m => m.VoId == voId && m.UserId == userId, ct);

    public static bool IsLive(Membership? m, DateTimeOffset now) => m is not null && m.IsActiveAt(now);

    public static bool IsLiveAdmin(Membership? m, DateTimeOffset now) => IsLive(m, now) && m!.Role == VoRole.Admin;

    /// <summary>The caller and the VO, or why not: what every VO operation resolves first.</summary>
    public static async Task<Outcome<(User Me, VirtualOrganization Vo)>> CallerAndVoAsync(PortalDb db, Caller caller, Guid voId, CancellationToken ct)
    {
        var me = await CallerAsync(db, caller, ct);
        if (me.Failure is { } f1)
        {
            return f1;
        }
        var vo = await VoAsync(db, voId, ct);
        return vo.Failure is { } f2 ? f2 : (me.Value!, vo.Value!);
    }

    /// <summary>The caller, the VO and the caller's live admin membership, or why not.</summary>
    public static async Task<Outcome<(User Me, VirtualOrganization Vo)>> AdminAsync(
        PortalDb db, Caller caller, Guid voId, DateTimeOffset now, string action, CancellationToken ct)
    {
        var both = await CallerAndVoAsync(db, caller, voId, ct);
        if (both.Failure is { } f)
        {
            return f;
        }
        var (me, vo) = both.Value;
        return IsLiveAdmin(await MembershipAsync(db, voId, me.Id, ct), now)
            ? (me, vo)
            : Failure.Forbidden($"Only an admin of \"{vo.Name}\" may {action}.");
    }

    /// <summary>
    /// Serializes changes to one VO's memberships: two admins demoting each other at once must not leave it without any.
    /// Call inside a transaction.
    /// </summary>
    public static Task LockAsync(PortalDb db, Guid voId, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync($"SELECT 1 FROM virtual_organizations WHERE id = {voId} FOR UPDATE", ct);

    public static Task<int> OtherLiveAdminsAsync(PortalDb db, Guid voId, Guid except, DateTimeOffset now, CancellationToken ct) =>
        db.Memberships.Where(Membership.ActiveAt(now)).CountAsync(m => m.VoId == voId && m.UserId != except && m.Role == VoRole.Admin, ct);

    public static Task<List<Guid>> LiveAdminIdsAsync(PortalDb db, Guid voId, DateTimeOffset now, CancellationToken ct) =>
        db.Memberships.Where(Membership.ActiveAt(now)).Where(m => m.VoId == voId && m.Role == VoRole.Admin)
            .Select(m => m.UserId).ToListAsync(ct);
}
