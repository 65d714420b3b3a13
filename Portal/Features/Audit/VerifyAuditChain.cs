using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Portal.Features.Audit;

/// <summary>Checks the hash chain of the whole trail and names the first broken event; for auditors in a browser session.</summary>
public static class VerifyAuditChain
{
    internal static RouteHandlerBuilder Map(RouteGroupBuilder audit) =>
        audit.MapGet("/verify", Endpoint).WithName("VerifyAudit").WithSummary("Checks the hash chain; names the first broken event (auditors only).");

    private static async Task<Results<Ok<AuditChainVerifier.Result>, ProblemHttpResult>> Endpoint(
        Caller caller, [AsParameters] AuditServices services, CancellationToken ct)
    {
        var o = await HandleAsync(services, caller, ct);
        return o.Failure is { } f ? f.ToProblem() : TypedResults.Ok(o.Value);
    }

    public static async Task<Outcome<AuditChainVerifier.Result>> HandleAsync(AuditServices services, Caller caller, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(caller);
        // The database, not the session's claims: an auditor role withdrawn an hour ago must not still verify.
        var me = caller.UserId;
        bool auditor;
        await using (var db = await services.Dbs.CreateDbContextAsync(ct))
        {
            auditor = me is not null && caller.Principal.TokenId() is null && await db.Users.AnyAsync(
                u => u.Id == me && !u.Suspended && (u.PlatformRoles & PlatformRoles.Auditor) != 0, ct);
        }
        if (!auditor)
        {
            return Failure.Forbidden("audit.verify.auditors_only", "Only auditors verify the whole chain.");
        }
        await using var conn = new NpgsqlConnection(Hosting.DatabaseConnectivity.RequireConnectionString(services.Configuration));
        await conn.OpenAsync(ct);
        return await AuditChainVerifier.VerifyAsync(conn, ct);
    }
}
