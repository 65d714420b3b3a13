using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Kernel.Access;

/// <summary>
/// The VO facts several features read (VO, membership, live admin), inside the operation's own transaction.
/// They agree with the policy engine's ManageVoMembership rule (a live admin membership), but read the database
/// rather than the engine: the engine follows the database a few milliseconds later, and a decision such as
/// "is this the last admin" must see the very rows the change is about to modify.
/// </summary>
public static class VoAccess
{
    /// <summary>The caller's user row: unknown principals are not signed in, suspended users may do nothing.</summary>
    public static Task<Outcome<User>> CallerAsync(PortalDb db, Caller caller, CancellationToken ct) => caller.ResolveAsync(db, ct);

    public static async Task<Outcome<VirtualOrganization>> VoAsync(PortalDb db, Guid voId, CancellationToken ct)
    {
        var vo = await db.VirtualOrganizations.SingleOrDefaultAsync(v => v.Id == voId && v.ArchivedAt == null, ct);
        return vo is null ? Failure.NotFound("access.vo.not_found", "No such virtual organization.") : vo;
    }

    public static Task<Membership?> MembershipAsync(PortalDb db, Guid voId, Guid userId, CancellationToken ct) =>
        db.Memberships.SingleOrDefaultAsync(m => m.VoId == voId && m.UserId == userId, ct);

    public static bool IsLive(Membership? m, DateTimeOffset now) => m is not null && m.IsActiveAt(now);

    public static bool IsLiveAdmin(Membership? m, DateTimeOffset now) => IsLive(m, now) && m!.Role == VoRole.Admin;
}
