namespace Portal.Connectors.SiteAgent.Orders;

/// <summary>The site's reasons for refusing an order (docs/errors.md, "Site agent"): in the agent's log, its site log and the portal's audit.</summary>
public static class SiteCodes
{
    public const string Malformed = "site.order.malformed";
    public const string SignatureInvalid = "site.order.signature_invalid";
    public const string WrongAgent = "site.order.wrong_agent";
    public const string LifetimeTooLong = "site.order.lifetime_too_long";
    public const string NotYetValid = "site.order.not_yet_valid";
    public const string Expired = "site.order.expired";
    public const string Replayed = "site.order.replayed";
    public const string ProfileMismatch = "site.order.profile_mismatch";
    public const string Unsupported = "site.order.unsupported";

    public const string DatasetNotExposed = "site.policy.dataset_not_exposed";
    public const string KBelowFloor = "site.policy.k_below_floor";
    public const string ColumnForbidden = "site.policy.column_forbidden";
    public const string PurposeNotAllowed = "site.policy.purpose_not_allowed";
    public const string VoNotAllowed = "site.policy.vo_not_allowed";
    public const string DailyRowsExceeded = "site.policy.daily_rows_exceeded";

    /// <summary>The portal cancelled the order (revocation, the researcher went away).</summary>
    public const string Cancelled = "site.order.cancelled";

    /// <summary>A fault of the agent itself while answering; the message says what.</summary>
    public const string Failed = "site.order.failed";
}

/// <summary>Why the site refused an order: a stable code and a sentence that never quotes a data value.</summary>
public sealed record OrderRefusal(string Code, string Message);
