using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Features.VirtualOrganizations.Invitations;

/// <summary>
/// Finds the invitation a link stands for and checks it can still be used by this person: the preview and the
/// acceptance ask the same, so the page explains a refusal before anyone clicks.
/// </summary>
internal static class UsableInvitation
{
    public static async Task<Outcome<(Invitation Invitation, VirtualOrganization Vo)>> FindAsync(
        PortalDb db, string? token, User me, DateTimeOffset now, bool forUpdate, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(token))
        {
            return Failure.Invalid("vo.invitation.token_required", "token", "token is required: paste the whole invitation link or its last part.");
        }
        var hash = InvitationTokens.Hash(token);
        var invitation = forUpdate
            ? await db.Invitations.FromSql($"SELECT * FROM invitations WHERE token_hash = {hash} FOR UPDATE").SingleOrDefaultAsync(ct)
            : await db.Invitations.AsNoTracking().SingleOrDefaultAsync(i => i.TokenHash == hash, ct);
        if (invitation is null)
        {
            return Failure.Invalid("vo.invitation.token_invalid", "token",
                "This invitation link is not valid. Check that you copied the whole link, or ask for a new invitation.");
        }
        if (invitation.RevokedAt is not null)
        {
            return Failure.Gone("vo.invitation.revoked", "token", "This invitation was revoked by an admin of the VO. Ask them for a new one.");
        }
        if (invitation.AcceptedAt is not null)
        {
            return Failure.Gone("vo.invitation.used", "token", "This invitation link was already used; each link works once. Ask for a new invitation.");
        }
        if (invitation.ExpiresAt <= now)
        {
            return Failure.Gone("vo.invitation.expired", "token", $"This invitation expired on {invitation.ExpiresAt:yyyy-MM-dd HH:mm} UTC. Ask for a new one.");
        }
        var vo = await db.VirtualOrganizations.SingleOrDefaultAsync(v => v.Id == invitation.VoId, ct);
        if (vo is null || vo.ArchivedAt is not null)
        {
            return Failure.Gone("vo.invitation.vo_gone", "token", "The virtual organization of this invitation no longer exists.");
        }
        if (invitation.Email is { } invited && !string.Equals(invited, me.Email?.Trim(), StringComparison.OrdinalIgnoreCase))
        {
            return new Failure(FailureKind.Forbidden, "vo.invitation.wrong_person",
                $"This invitation was sent to {invited}, but you are signed in as {me.Email ?? "an account without an e-mail address"}. " +
                $"Sign in with the account for {invited}, or ask the admin to invite this account.", "token");
        }
        return (invitation, vo);
    }
}
