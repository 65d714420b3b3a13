namespace Portal.Policy.Model;

/// <summary>One user's membership of one VO; at most one per (user, VO). No expiry means it lasts until removed.</summary>
public sealed record MembershipFact(Guid UserId, Guid VoId, MemberRole Role, DateTimeOffset? ExpiresAt = null)
{
    public bool IsLiveAt(DateTimeOffset now) => ExpiresAt is not { } end || now < end;
}
