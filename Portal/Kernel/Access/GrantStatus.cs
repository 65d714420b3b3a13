namespace Portal.Kernel.Access;

/// <summary>A grant's state at a moment, as every page and answer shows it.</summary>
public static class GrantStatus
{
    public const string Live = "Live";
    public const string Upcoming = "Upcoming";
    public const string Ended = "Ended";
    public const string Revoked = "Revoked";

    public static string Of(Grant grant, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(grant);
        return grant.RevokedAt is not null ? Revoked
            : now >= grant.ValidUntil ? Ended
            : now < grant.ValidFrom ? Upcoming
            : Live;
    }
}
