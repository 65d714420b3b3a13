using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Notifications;

namespace Portal.Features.VirtualOrganizations.Invitations;

/// <summary>
/// Admins invite by link (no e-mail) or to one e-mail address: expiring (7 days unless said, 30 at most), single
/// use, with the role and membership end the admin chose. The token is returned once, in this answer.
/// </summary>
public static class CreateInvitation
{
    public sealed record Input(string? Email, string? Role, DateTimeOffset? ExpiresAt, DateTimeOffset? MembershipExpiresAt);

    internal static RouteHandlerBuilder Map(RouteGroupBuilder vos) =>
        vos.MapPost("/{id:guid}/invitations", Endpoint).WithName("CreateVoInvitation")
            .WithSummary("Admins: invite by link (no email) or e-mail. The token is shown only in this answer.");

    private static async Task<Results<Created<CreatedInvitation>, ProblemHttpResult>> Endpoint(
        Guid id, Input? input, Caller caller, [AsParameters] VoServices services, CancellationToken ct)
    {
        var o = await HandleAsync(services, caller, id, input ?? new Input(null, null, null, null), ct);
        return o.Failure is { } f ? f.ToProblem() : TypedResults.Created($"/api/vos/{id}/invitations/{o.Value!.Invitation.Id}", o.Value);
    }

    public static async Task<Outcome<CreatedInvitation>> HandleAsync(VoServices services, Caller caller, Guid voId, Input input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(input);
        await using var db = await services.Dbs.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var now = services.Time.GetUtcNow();
        var admin = await VoRules.AdminAsync(db, caller, voId, now, "invite people", ct);
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
        if (Period(expiresAt, input.MembershipExpiresAt, now) is { } badPeriod)
        {
            return badPeriod;
        }

        // Serialize with other invitations to this VO: the duplicate check below must see them.
        await VoRules.LockAsync(db, voId, ct);
        User? invitee = null;
        if (email.Value is { } address)
        {
            if (await db.Invitations.AnyAsync(i => i.VoId == voId && i.Email == address && i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now, ct))
            {
                return Failure.Conflict("vo.invitation.already_pending", "email",
                    $"{address} already has a pending invitation to \"{vo.Name}\"; revoke it first to send a new one.");
            }
#pragma warning disable CA1862 // EF translates ToLower() to SQL lower(); the StringComparison overloads do not translate.
            invitee = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Email != null && u.Email.ToLower() == address, ct);
#pragma warning restore CA1862
            if (invitee is not null && await db.Memberships.Where(Membership.ActiveAt(now))
                    .AnyAsync(m => m.VoId == voId && m.UserId == invitee.Id, ct))
            {
                return Failure.Conflict("vo.invitation.already_member", "email", $"{address} is already a member of \"{vo.Name}\".");
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
        services.Audit.Add(db, "vo.invitation_created", AuditOutcome.Success, caller.Actor, voId: voId,
            details: new { invitationId = invitation.Id, email = invitation.Email, role = invitation.Role.ToString(), invitation.ExpiresAt, invitation.MembershipExpiresAt });
        var link = VoLinks.Invitation(token);
        if (invitation.Email is { } to)
        {
            Announce(services.Notifications, db, me, vo, invitation, to, invitee, link);
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        services.Notifications.WakeDelivery();
        return new CreatedInvitation(InvitationViews.Of(invitation, me.DisplayName, now), token, link);
    }

    private static Failure? Period(DateTimeOffset expiresAt, DateTimeOffset? membershipEnd, DateTimeOffset now)
    {
        if (expiresAt <= now)
        {
            return Failure.Invalid("vo.invitation.expiry_in_past", "expiresAt", "expiresAt must lie in the future.");
        }
        if (expiresAt > now + VoInput.MaxInvitationLifetime)
        {
            return Failure.Invalid("vo.invitation.lifetime_too_long", "expiresAt",
                $"An invitation may be valid for at most {VoInput.MaxInvitationLifetime.TotalDays:0} days.");
        }
        return membershipEnd is { } end && end <= expiresAt
            ? Failure.Invalid("vo.invitation.membership_ends_too_early", "membershipExpiresAt",
                "membershipExpiresAt must lie after the invitation's own expiry (expiresAt).")
            : null;
    }

    private static void Announce(NotificationService notifications, Portal.Data.PortalDb db, User me, VirtualOrganization vo,
        Invitation invitation, string to, User? invitee, string link)
    {
        // The e-mail carries the secret, so its outbox row is erased once sent; the portal inbox never sees it.
        notifications.NotifyByEmailOnly(db, to, "vo.invitation", $"Invitation to join {vo.Name}",
            $"{me.DisplayName} invites you to join the virtual organization \"{vo.Name}\" as {InvitationViews.Lower(invitation.Role)}. " +
            $"The link below works once, until {invitation.ExpiresAt:yyyy-MM-dd HH:mm} UTC. Sign in with the account of {to} to accept.",
            link, eraseAfterSending: true);
        if (invitee is not null)
        {
            notifications.Notify(db, Recipient.User(invitee.Id), "vo.invitation", $"Invitation to join {vo.Name}",
                $"{me.DisplayName} invited you to \"{vo.Name}\". Open the link in the e-mail you received, or ask {me.DisplayName} for it.",
                null, sendEmail: false);
        }
    }
}
