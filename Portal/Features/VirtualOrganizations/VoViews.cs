namespace Portal.Features.VirtualOrganizations;

/// <summary>A VO as the caller sees it, with the caller's own place in it (null fields when they have none).</summary>
public sealed record VoView(
    Guid Id, string Name, string Description, string JoinPolicy, int? DefaultMembershipDays, DateTimeOffset CreatedAt,
    int Members, string? MyRole, string? MyStatus, DateTimeOffset? MyMembershipExpiresAt)
{
    public bool IAmAdmin => MyRole == nameof(VoRole.Admin) && MyStatus == MembershipState.Active;
    public bool IAmMember => MyStatus == MembershipState.Active;
}

/// <summary>One member. Email is only filled in for admins of the VO.</summary>
public sealed record MemberView(
    Guid UserId, string DisplayName, string? Email, string? Institution, string Role, string Status,
    DateTimeOffset? ActivatedAt, DateTimeOffset? ExpiresAt);

/// <summary>An invitation as admins see it; the secret token is never part of it.</summary>
public sealed record InvitationView(
    Guid Id, Guid VoId, string? Email, string Role, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt,
    DateTimeOffset? MembershipExpiresAt, string InvitedBy, string Status);

/// <summary>The answer to creating an invitation: the only time the token and its link are shown.</summary>
public sealed record CreatedInvitation(InvitationView Invitation, string Token, string Link);

/// <summary>What an invitation link leads to, for the accept page.</summary>
public sealed record InvitationPreview(
    Guid VoId, string VoName, string VoDescription, string Role, DateTimeOffset ExpiresAt, DateTimeOffset? MembershipExpiresAt,
    string? Email, string InvitedBy);

/// <summary>A pending join request, for admins.</summary>
public sealed record JoinRequestView(Guid UserId, string DisplayName, string? Email, string? Institution, string? Message, DateTimeOffset RequestedAt);

/// <summary>
/// Membership states as the API and pages show them: the stored status, except that an active membership past its
/// end is "Expired" (the policy engine already treats it as gone).
/// </summary>
public static class MembershipState
{
    public const string Active = "Active";
    public const string Expired = "Expired";

    public static string Of(MembershipStatus status, DateTimeOffset? expiresAt, DateTimeOffset now) =>
        status == MembershipStatus.Active && expiresAt is { } end && end <= now ? Expired : status.ToString();
}
