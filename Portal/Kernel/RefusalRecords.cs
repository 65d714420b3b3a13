namespace Portal.Kernel;

/// <summary>A refused call as the audit trail keeps it: who, from where, what they asked for and why it was refused.</summary>
public sealed record Refusal(AuditActor Actor, int Status, string Code, string Target);

/// <summary>
/// Where refusals go to be audited. Implemented by the audit feature; the kernel and pages only know this, so a page
/// can report the refusal it shows without importing the audit feature.
/// </summary>
public interface IRefusalRecorder
{
    void Record(Refusal refusal);
}

/// <summary>Which refusals are audit events, decided once for the API and the pages.</summary>
public static class RefusalPolicy
{
    private const string AlreadyAudited = "portal.refusal_audited";

    /// <summary>
    /// 401, 403, 404, 409, 410 and 429 are; bad input (400) and server trouble (5xx) are not: they say nothing about
    /// someone reaching for what is not theirs. A 404 for a path no endpoint serves hides nothing and is left out, so
    /// a crawler cannot fill the log.
    /// </summary>
    public static bool IsAudited(int status, string code) => status switch
    {
        StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden or StatusCodes.Status409Conflict
            or StatusCodes.Status410Gone or StatusCodes.Status429TooManyRequests => true,
        StatusCodes.Status404NotFound => code != "request.not_found",
        _ => false,
    };

    /// <summary>For a slice that already wrote its own, richer refusal event (e.g. export.denied): no second one.</summary>
    public static void MarkAudited(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        http.Items[AlreadyAudited] = true;
    }

    public static bool WasAudited(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        return http.Items.ContainsKey(AlreadyAudited);
    }
}
