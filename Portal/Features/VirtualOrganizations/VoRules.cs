using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Features.VirtualOrganizations;

/// <summary>
/// The authorization rules of the VO use cases, read from the database inside the operation's own transaction.
/// They agree with the policy engine's ManageVoMembership rule (a live admin membership), but read the database
/// rather than the engine: the engine follows the database a few milliseconds later, and a decision such as
/// "is this the last admin" must see the very rows the change is about to modify.
/// Caller resolution itself is the kernel's (<see cref="VoAccess.CallerAsync"/>), shared with other features.
/// </summary>
public static class VoRules
{
    public static async Task<Outcome<VirtualOrganization>> VoAsync(PortalDb db, Guid voId, CancellationToken ct)
    {
        var vo = await db.VirtualOrganizations.SingleOrDefaultAsync(v => v.Id == voId && v.ArchivedAt == null, ct);
        return vo is null ? NoSuchVo : vo;
    }

    public static readonly Failure NoSuchVo = Failure.NotFound("vo.organization.not_found", "No such virtual organization.");

    // Membership look-ups are the kernel's, shared with the features that check VO roles too.
    public static Task<Membership?> MembershipAsync(PortalDb db, Guid voId, Guid userId, CancellationToken ct) => VoAccess.MembershipAsync(db, voId, userId, ct);

    public static bool IsLive(Membership? m, DateTimeOffset now) => VoAccess.IsLive(m, now);

    public static bool IsLiveAdmin(Membership? m, DateTimeOffset now) => VoAccess.IsLiveAdmin(m, now);

    /// <summary>The caller and the VO, or why not: what every VO operation resolves first.</summary>
    public static async Task<Outcome<(User Me, VirtualOrganization Vo)>> CallerAndVoAsync(PortalDb db, Caller caller, Guid voId, CancellationToken ct)
    {
        var me = await VoAccess.CallerAsync(db, caller, ct);
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
            : Failure.Forbidden("vo.member.admin_required", $"Only an admin of \"{vo.Name}\" may {action}.");
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

    /// <summary>A VO's last live admin may not leave, be demoted, removed or given an end: it would be left without any.</summary>
    public static Failure LastAdmin(string field, string message) => Failure.Conflict("vo.member.last_admin", field, message);

    /// <summary>Ends a membership (left, removed, rejected): the row stays, for the history and the audit trail.</summary>
    public static void End(Membership m, MembershipStatus status, Guid? by, string? reason, DateTimeOffset now)
    {
        m.Status = status;
        m.EndedAt = now;
        m.EndedById = by;
        m.EndReason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
    }

    /// <summary>Makes a membership live (invitation accepted, join request approved), reusing an ended row.</summary>
    public static void Activate(Membership m, VoRole role, DateTimeOffset? expiresAt, DateTimeOffset now)
    {
        m.Role = role;
        m.Status = MembershipStatus.Active;
        m.ActivatedAt = now;
        m.ExpiresAt = expiresAt;
        m.EndedAt = null;
        m.EndedById = null;
        m.EndReason = null;
    }

    /// <summary>The VO as the caller now sees it, after a change that made them (about to be) a member.</summary>
    public static async Task<VoView> ViewAfterJoinAsync(PortalDb db, VirtualOrganization vo, string? role, string status,
        DateTimeOffset? expiresAt, DateTimeOffset now, CancellationToken ct)
    {
        var members = await db.Memberships.Where(Membership.ActiveAt(now)).CountAsync(m => m.VoId == vo.Id, ct);
        return new VoView(vo.Id, vo.Name, vo.Description, vo.JoinPolicy.ToString(), vo.DefaultMembershipDays, vo.CreatedAt, members,
            role, status, expiresAt);
    }

    public static MemberView MemberViewOf(Membership m, DateTimeOffset now) =>
        new(m.UserId, m.User!.DisplayName, m.User.Email, m.User.Institution?.Name, m.Role.ToString(),
            MembershipState.Of(m.Status, m.ExpiresAt, now), m.ActivatedAt, m.ExpiresAt);
}
