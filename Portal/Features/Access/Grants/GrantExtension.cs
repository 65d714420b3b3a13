namespace Portal.Features.Access.Grants;

/// <summary>The checks of an extension, by the owner directly (ExtendGrant) or by approving a researcher's request (ApproveRequest).</summary>
public static class GrantExtension
{
    /// <summary>Moves the grant's end to <paramref name="until"/>, or says why not. A revoked or ended grant is not revived.</summary>
    public static Failure? Apply(Grant grant, DateTimeOffset? until, DateTimeOffset now, string field = "validUntil")
    {
        ArgumentNullException.ThrowIfNull(grant);
        if (grant.RevokedAt is not null)
        {
            return Failure.Conflict("access.grant.revoked", field, "The grant was revoked; issue a new one instead.");
        }
        if (grant.ValidUntil <= now)
        {
            return Failure.Conflict("access.grant.ended", field, "The grant has ended; issue a new one instead.");
        }
        if (until is not { } end)
        {
            return Failure.Invalid("access.period.until_required", field, $"{field} is required.");
        }
        if (end <= grant.ValidUntil)
        {
            return Failure.Invalid("access.extension.not_later", field, $"{field} must come after the grant's current end ({grant.ValidUntil:yyyy-MM-dd HH:mm} UTC).");
        }
        if (end - now > PeriodRules.MaxPeriod)
        {
            return PeriodRules.TooLong(field, "A grant cannot run more than five years from now.");
        }
        grant.ValidUntil = end;
        return null;
    }
}
