using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Audit;
using Portal.Features.Notifications;
using Portal.Features.SignIn;

namespace Portal.Features.VirtualOrganizations;

/// <summary>
/// Join requests for open VOs: a pending membership carrying the person's message, which an admin approves
/// (the membership becomes active, with the VO's default length) or rejects.
/// </summary>
public sealed class JoinRequestService(IDbContextFactory<PortalDb> dbs, AuditLog audit, NotificationService notifications, TimeProvider time)
{
    public async Task<Outcome<VoView>> RequestAsync(Caller caller, Guid voId, string? message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        await using var db = await dbs.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var found = await VoAccess.CallerAndVoAsync(db, caller, voId, ct);
        if (found.Failure is { } denied)
        {
            return denied;
        }
        var (me, vo) = found.Value;
        if (vo.JoinPolicy != VoJoinPolicy.OpenWithApproval)
        {
            return Failure.Forbidden($"\"{vo.Name}\" accepts members by invitation only; ask one of its admins to invite you.");
        }
        if (VoInput.Length(message, VoInput.MessageMax, "message") is { } tooLong)
        {
            return tooLong;
        }
        await VoAccess.LockAsync(db, voId, ct);
        var now = time.GetUtcNow();
        var user = me;
        var membership = await VoAccess.MembershipAsync(db, voId, user.Id, ct);
        if (VoAccess.IsLive(membership, now))
        {
            return Failure.Conflict("voId", $"You are already a member of \"{vo.Name}\".");
        }
        if (membership?.Status == MembershipStatus.Pending)
        {
            return Failure.Conflict("voId", $"You have already asked to join \"{vo.Name}\"; an admin will decide.");
        }
        if (membership is null)
        {
            membership = new Membership { Id = Guid.CreateVersion7(now), VoId = voId, UserId = user.Id, CreatedAt = now };
            db.Memberships.Add(membership);
        }
        // An earlier (ended or lapsed) membership is reused: one row per person and VO.
        membership.Status = MembershipStatus.Pending;
        membership.Role = VoRole.Member;
        membership.ActivatedAt = null;
        membership.ExpiresAt = null;
        membership.EndedAt = null;
        membership.EndedById = null;
        membership.EndReason = null;
        membership.RequestMessage = string.IsNullOrWhiteSpace(message) ? null : message.Trim();
        audit.Add(db, "vo.join_requested", AuditOutcome.Success, caller.Actor, voId: voId, details: new { message = membership.RequestMessage });
        foreach (var admin in await VoAccess.LiveAdminIdsAsync(db, voId, now, ct))
        {
            notifications.Notify(db, Recipient.User(admin), "vo.join_requested", $"{user.DisplayName} asks to join {vo.Name}",
                membership.RequestMessage is null
                    ? $"{user.DisplayName} asks to join \"{vo.Name}\". Approve or reject the request on the VO's page."
                    : $"{user.DisplayName} asks to join \"{vo.Name}\": \"{membership.RequestMessage}\". Approve or reject the request on the VO's page.",
                VoLinks.Vo(voId));
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        notifications.WakeDelivery();
        var members = await db.Memberships.Where(Membership.ActiveAt(now)).CountAsync(m => m.VoId == voId, ct);
        return new VoView(vo.Id, vo.Name, vo.Description, vo.JoinPolicy.ToString(), vo.DefaultMembershipDays, vo.CreatedAt, members,
            null, nameof(MembershipStatus.Pending), null);
    }

    public async Task<Outcome<IReadOnlyList<JoinRequestView>>> ListAsync(Caller caller, Guid voId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        await using var db = await dbs.CreateDbContextAsync(ct);
        var admin = await VoAccess.AdminAsync(db, caller, voId, time.GetUtcNow(), "see its join requests", ct);
        if (admin.Failure is { } denied)
        {
            return denied;
        }
        return await db.Memberships.AsNoTracking()
            .Where(m => m.VoId == voId && m.Status == MembershipStatus.Pending)
            .OrderBy(m => m.CreatedAt)
            .Select(m => new JoinRequestView(m.UserId, m.User!.DisplayName, m.User.Email, m.User.Institution!.Name, m.RequestMessage, m.CreatedAt))
            .ToListAsync(ct);
    }

    public Task<Outcome<MemberView>> ApproveAsync(Caller caller, Guid voId, Guid userId, CancellationToken ct) =>
        DecideAsync(caller, voId, userId, approve: true, reason: null, ct);

    public Task<Outcome<MemberView>> RejectAsync(Caller caller, Guid voId, Guid userId, string? reason, CancellationToken ct) =>
        DecideAsync(caller, voId, userId, approve: false, reason, ct);

    private async Task<Outcome<MemberView>> DecideAsync(Caller caller, Guid voId, Guid userId, bool approve, string? reason, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (VoInput.Length(reason, VoInput.ReasonMax, "reason") is { } tooLong)
        {
            return tooLong;
        }
        await using var db = await dbs.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var now = time.GetUtcNow();
        var admin = await VoAccess.AdminAsync(db, caller, voId, now, "decide join requests", ct);
        if (admin.Failure is { } denied)
        {
            return denied;
        }
        var vo = admin.Value.Vo;
        await VoAccess.LockAsync(db, voId, ct);
        var m = await db.Memberships.Include(x => x.User!).ThenInclude(u => u.Institution)
            .SingleOrDefaultAsync(x => x.VoId == voId && x.UserId == userId && x.Status == MembershipStatus.Pending, ct);
        if (m is null)
        {
            return Failure.NotFound($"There is no pending request from this person to join \"{vo.Name}\".");
        }
        if (approve)
        {
            InvitationService.Activate(m, VoRole.Member, vo.DefaultMembershipDays is { } days ? now.AddDays(days) : null, now);
            audit.Add(db, "vo.join_approved", AuditOutcome.Success, caller.Actor, voId: voId, details: new { userId, m.ExpiresAt });
            notifications.Notify(db, Recipient.User(userId), "vo.join_approved", $"Welcome to {vo.Name}",
                m.ExpiresAt is { } end
                    ? $"Your request to join \"{vo.Name}\" was approved. Your membership lasts until {end:yyyy-MM-dd}."
                    : $"Your request to join \"{vo.Name}\" was approved.",
                VoLinks.Vo(voId));
        }
        else
        {
            VoService.End(m, MembershipStatus.Rejected, caller.UserId, reason, now);
            audit.Add(db, "vo.join_rejected", AuditOutcome.Success, caller.Actor, voId: voId, details: new { userId, reason });
            notifications.Notify(db, Recipient.User(userId), "vo.join_rejected", $"Your request to join {vo.Name} was declined",
                string.IsNullOrWhiteSpace(reason)
                    ? $"An admin of \"{vo.Name}\" declined your request to join."
                    : $"An admin of \"{vo.Name}\" declined your request to join. Reason: {reason}",
                VoLinks.Vo(voId));
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        notifications.WakeDelivery();
        return new MemberView(m.UserId, m.User!.DisplayName, m.User.Email, m.User.Institution?.Name, m.Role.ToString(),
            MembershipState.Of(m.Status, m.ExpiresAt, now), m.ActivatedAt, m.ExpiresAt);
    }
}
