using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Audit;
using Portal.Features.Notifications;
using Portal.Features.SignIn;

namespace Portal.Features.VirtualOrganizations;

/// <summary>
/// Invitations into a VO, by link or to one e-mail address: expiring (7 days unless said, 30 at most), single use,
/// with the role and membership end the admin chose. The token is returned once, when the invitation is made.
/// </summary>
public sealed class InvitationService(IDbContextFactory<PortalDb> dbs, AuditLog audit, NotificationService notifications, TimeProvider time)
{
    public async Task<Outcome<CreatedInvitation>> CreateAsync(Caller caller, Guid voId, CreateInvitationInput input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(input);
        await using var db = await dbs.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var now = time.GetUtcNow();
        var admin = await VoAccess.AdminAsync(db, caller, voId, now, "invite people", ct);
        if (admin.Failure is { } denied)
        {
            return denied;
        }
        var (me, vo) = admin.Value;
        var email = VoInput.Email(input.Email);
        if (email.Failure is { } badEmail)
        {
            return badEmail;
        }
        var role = VoInput.Role(input.Role);
        if (role.Failure is { } badRole)
        {
            return badRole;
        }
        var expiresAt = input.ExpiresAt ?? now + VoInput.DefaultInvitationLifetime;
        if (expiresAt <= now)
        {
            return Failure.Invalid("expiresAt", "expiresAt must lie in the future.");
        }
        if (expiresAt > now + VoInput.MaxInvitationLifetime)
        {
            return Failure.Invalid("expiresAt", $"An invitation may be valid for at most {VoInput.MaxInvitationLifetime.TotalDays:0} days.");
        }
        if (input.MembershipExpiresAt is { } membershipEnd && membershipEnd <= expiresAt)
        {
            return Failure.Invalid("membershipExpiresAt", "membershipExpiresAt must lie after the invitation's own expiry (expiresAt).");
        }

        // Serialize with other invitations to this VO: the duplicate check below must see them.
        await VoAccess.LockAsync(db, voId, ct);
        User? invitee = null;
        if (email.Value is { } address)
        {
            if (await db.Invitations.AnyAsync(i => i.VoId == voId && i.Email == address && i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now, ct))
            {
                return Failure.Conflict("email", $"{address} already has a pending invitation to \"{vo.Name}\"; revoke it first to send a new one.");
            }
#pragma warning disable CA1862 // EF translates ToLower() to SQL lower(); the StringComparison overloads do not translate.
            invitee = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Email != null && u.Email.ToLower() == address, ct);
#pragma warning restore CA1862
            if (invitee is not null && await db.Memberships.Where(Membership.ActiveAt(now))
                    .AnyAsync(m => m.VoId == voId && m.UserId == invitee.Id, ct))
            {
                return Failure.Conflict("email", $"{address} is already a member of \"{vo.Name}\".");
            }
        }

        var token = InvitationTokens.NewToken();
        var invitation = new Invitation
        {
            Id = Guid.CreateVersion7(now),
            VoId = voId,
            InvitedById = me.Id,
            Email = email.Value,
            Role = role.Value,
            TokenHash = InvitationTokens.Hash(token),
            CreatedAt = now,
            ExpiresAt = expiresAt,
            MembershipExpiresAt = input.MembershipExpiresAt,
        };
        db.Invitations.Add(invitation);
        audit.Add(db, "vo.invitation_created", AuditOutcome.Success, caller.Actor, voId: voId,
            details: new { invitationId = invitation.Id, email = invitation.Email, role = invitation.Role.ToString(), invitation.ExpiresAt, invitation.MembershipExpiresAt });
        var link = VoLinks.Invitation(token);
        if (invitation.Email is { } to)
        {
            // The e-mail carries the secret, so its outbox row is erased once sent; the portal inbox never sees it.
            notifications.NotifyByEmailOnly(db, to, "vo.invitation", $"Invitation to join {vo.Name}",
                $"{me.DisplayName} invites you to join the virtual organization \"{vo.Name}\" as {Lower(invitation.Role)}. " +
                $"The link below works once, until {expiresAt:yyyy-MM-dd HH:mm} UTC. Sign in with the account of {to} to accept.",
                link, eraseAfterSending: true);
            if (invitee is not null)
            {
                notifications.Notify(db, Recipient.User(invitee.Id), "vo.invitation", $"Invitation to join {vo.Name}",
                    $"{me.DisplayName} invited you to \"{vo.Name}\". Open the link in the e-mail you received, or ask {me.DisplayName} for it.",
                    null, sendEmail: false);
            }
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        notifications.WakeDelivery();
        return new CreatedInvitation(View(invitation, me.DisplayName, now), token, link);
    }

    /// <summary>Invitations of a VO that were neither used nor revoked (expired ones included, marked so), for admins.</summary>
    public async Task<Outcome<IReadOnlyList<InvitationView>>> ListAsync(Caller caller, Guid voId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        await using var db = await dbs.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        var admin = await VoAccess.AdminAsync(db, caller, voId, now, "see its invitations", ct);
        if (admin.Failure is { } denied)
        {
            return denied;
        }
        var rows = await db.Invitations.AsNoTracking()
            .Where(i => i.VoId == voId && i.AcceptedAt == null && i.RevokedAt == null)
            .OrderByDescending(i => i.CreatedAt)
            .Join(db.Users, i => i.InvitedById, u => u.Id, (i, u) => new { Invitation = i, u.DisplayName })
            .ToListAsync(ct);
        return rows.Select(r => View(r.Invitation, r.DisplayName, now)).ToList();
    }

    public async Task<Outcome<Done>> RevokeAsync(Caller caller, Guid voId, Guid invitationId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        await using var db = await dbs.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        var admin = await VoAccess.AdminAsync(db, caller, voId, now, "revoke invitations", ct);
        if (admin.Failure is { } denied)
        {
            return denied;
        }
        var invitation = await db.Invitations.SingleOrDefaultAsync(i => i.Id == invitationId && i.VoId == voId, ct);
        if (invitation is null)
        {
            return Failure.NotFound("No such invitation in this VO.");
        }
        if (invitation.AcceptedAt is not null)
        {
            return Failure.Conflict("invitationId", "This invitation was already used; remove the member instead.");
        }
        if (invitation.RevokedAt is not null)
        {
            return default(Done);
        }
        invitation.RevokedAt = now;
        audit.Add(db, "vo.invitation_revoked", AuditOutcome.Success, caller.Actor, voId: voId, details: new { invitationId, invitation.Email });
        await db.SaveChangesAsync(ct);
        return default(Done);
    }

    /// <summary>What the link leads to, with the same checks as accepting it, so the page can explain before anyone clicks.</summary>
    public async Task<Outcome<InvitationPreview>> PreviewAsync(Caller caller, string? token, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        await using var db = await dbs.CreateDbContextAsync(ct);
        var me = await VoAccess.CallerAsync(db, caller, ct);
        if (me.Failure is { } denied)
        {
            return denied;
        }
        var found = await FindUsableAsync(db, token, me.Value!, time.GetUtcNow(), forUpdate: false, ct);
        if (found.Failure is { } f)
        {
            return f;
        }
        var (invitation, vo) = found.Value;
        var inviter = await db.Users.Where(u => u.Id == invitation.InvitedById).Select(u => u.DisplayName).SingleAsync(ct);
        return new InvitationPreview(vo.Id, vo.Name, vo.Description, invitation.Role.ToString(), invitation.ExpiresAt,
            invitation.MembershipExpiresAt, invitation.Email, inviter);
    }

    /// <summary>Uses the invitation: the caller becomes a member with the invitation's role and end. Single use.</summary>
    public async Task<Outcome<VoView>> AcceptAsync(Caller caller, string? token, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        await using var db = await dbs.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var me = await VoAccess.CallerAsync(db, caller, ct);
        if (me.Failure is { } denied)
        {
            return denied;
        }
        var now = time.GetUtcNow();
        // FOR UPDATE: two people racing with the same link, one wins and the other finds it used.
        var found = await FindUsableAsync(db, token, me.Value!, now, forUpdate: true, ct);
        if (found.Failure is { } f)
        {
            return f;
        }
        var (invitation, vo) = found.Value;
        var user = me.Value!;
        var membership = await VoAccess.MembershipAsync(db, vo.Id, user.Id, ct);
        if (VoAccess.IsLive(membership, now))
        {
            return Failure.Conflict("token", $"You are already a member of \"{vo.Name}\"; the invitation stays unused.");
        }
        var expiresAt = invitation.MembershipExpiresAt
            ?? (vo.DefaultMembershipDays is { } days ? now.AddDays(days) : null);
        if (membership is null)
        {
            membership = new Membership { Id = Guid.CreateVersion7(now), VoId = vo.Id, UserId = user.Id, CreatedAt = now };
            db.Memberships.Add(membership);
        }
        Activate(membership, invitation.Role, expiresAt, now);
        invitation.AcceptedAt = now;
        invitation.AcceptedById = user.Id;
        audit.Add(db, "vo.invitation_accepted", AuditOutcome.Success, caller.Actor, voId: vo.Id,
            details: new { invitationId = invitation.Id, role = invitation.Role.ToString(), expiresAt });
        notifications.Notify(db, Recipient.User(invitation.InvitedById), "vo.invitation_accepted",
            $"{user.DisplayName} joined {vo.Name}",
            $"{user.DisplayName} accepted your invitation and is now {Lower(invitation.Role)} of \"{vo.Name}\".", VoLinks.Vo(vo.Id));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        notifications.WakeDelivery();
        var members = await db.Memberships.Where(Membership.ActiveAt(now)).CountAsync(m => m.VoId == vo.Id, ct);
        return new VoView(vo.Id, vo.Name, vo.Description, vo.JoinPolicy.ToString(), vo.DefaultMembershipDays, vo.CreatedAt, members,
            membership.Role.ToString(), MembershipState.Active, membership.ExpiresAt);
    }

    internal static void Activate(Membership m, VoRole role, DateTimeOffset? expiresAt, DateTimeOffset now)
    {
        m.Role = role;
        m.Status = MembershipStatus.Active;
        m.ActivatedAt = now;
        m.ExpiresAt = expiresAt;
        m.EndedAt = null;
        m.EndedById = null;
        m.EndReason = null;
    }

    private static async Task<Outcome<(Invitation Invitation, VirtualOrganization Vo)>> FindUsableAsync(
        PortalDb db, string? token, User me, DateTimeOffset now, bool forUpdate, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(token))
        {
            return Failure.Invalid("token", "token is required: paste the whole invitation link or its last part.");
        }
        var hash = InvitationTokens.Hash(token);
        var invitation = forUpdate
            ? await db.Invitations.FromSql($"SELECT * FROM invitations WHERE token_hash = {hash} FOR UPDATE").SingleOrDefaultAsync(ct)
            : await db.Invitations.AsNoTracking().SingleOrDefaultAsync(i => i.TokenHash == hash, ct);
        if (invitation is null)
        {
            return Failure.Invalid("token", "This invitation link is not valid. Check that you copied the whole link, or ask for a new invitation.");
        }
        if (invitation.RevokedAt is not null)
        {
            return Failure.Gone("token", "This invitation was revoked by an admin of the VO. Ask them for a new one.");
        }
        if (invitation.AcceptedAt is not null)
        {
            return Failure.Gone("token", "This invitation link was already used; each link works once. Ask for a new invitation.");
        }
        if (invitation.ExpiresAt <= now)
        {
            return Failure.Gone("token", $"This invitation expired on {invitation.ExpiresAt:yyyy-MM-dd HH:mm} UTC. Ask for a new one.");
        }
        var vo = await db.VirtualOrganizations.SingleOrDefaultAsync(v => v.Id == invitation.VoId, ct);
        if (vo is null || vo.ArchivedAt is not null)
        {
            return Failure.Gone("token", "The virtual organization of this invitation no longer exists.");
        }
        if (invitation.Email is { } invited && !string.Equals(invited, me.Email?.Trim(), StringComparison.OrdinalIgnoreCase))
        {
            return new Failure(FailureKind.Forbidden, "vo.invitation.wrong_person",
                $"This invitation was sent to {invited}, but you are signed in as {me.Email ?? "an account without an e-mail address"}. " +
                $"Sign in with the account for {invited}, or ask the admin to invite this account.", "token");
        }
        return (invitation, vo);
    }

    private static InvitationView View(Invitation i, string invitedBy, DateTimeOffset now) => new(
        i.Id, i.VoId, i.Email, i.Role.ToString(), i.CreatedAt, i.ExpiresAt, i.MembershipExpiresAt, invitedBy,
        i.RevokedAt is not null ? "Revoked" : i.AcceptedAt is not null ? "Accepted" : i.ExpiresAt <= now ? "Expired" : "Pending");

    private static string Lower(VoRole role) => role.ToString().ToLowerInvariant();
}
