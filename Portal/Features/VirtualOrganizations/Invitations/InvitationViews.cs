namespace Portal.Features.VirtualOrganizations.Invitations;

/// <summary>An invitation as admins see it: its status is derived, the token never shown again.</summary>
internal static class InvitationViews
{
    public static InvitationView Of(Invitation i, string invitedBy, DateTimeOffset now) => new(
        i.Id, i.VoId, i.Email, i.Role.ToString(), i.CreatedAt, i.ExpiresAt, i.MembershipExpiresAt, invitedBy,
        i.RevokedAt is not null ? "Revoked" : i.AcceptedAt is not null ? "Accepted" : i.ExpiresAt <= now ? "Expired" : "Pending");

    public static string Lower(VoRole role) => role.ToString().ToLowerInvariant();
}
