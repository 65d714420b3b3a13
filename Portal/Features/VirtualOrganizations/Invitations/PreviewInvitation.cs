using Microsoft.EntityFrameworkCore;

namespace Portal.Features.VirtualOrganizations.Invitations;

/// <summary>What an invitation link leads to, for the accept page, with the same checks as accepting it.</summary>
public static class PreviewInvitation
{
    public static async Task<Outcome<InvitationPreview>> HandleAsync(VoServices services, Caller caller, string? token, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(caller);
        await using var db = await services.Dbs.CreateDbContextAsync(ct);
        var me = await VoAccess.CallerAsync(db, caller, ct);
        if (me.Failure is { } denied)
        {
            return denied;
        }
        var found = await UsableInvitation.FindAsync(db, token, me.Value!, services.Time.GetUtcNow(), forUpdate: false, ct);
        if (found.Failure is { } f)
        {
            return f;
        }
        var (invitation, vo) = found.Value;
        var inviter = await db.Users.Where(u => u.Id == invitation.InvitedById).Select(u => u.DisplayName).SingleAsync(ct);
        return new InvitationPreview(vo.Id, vo.Name, vo.Description, invitation.Role.ToString(), invitation.ExpiresAt,
            invitation.MembershipExpiresAt, invitation.Email, inviter);
    }
}
