using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.Data;
using Portal.Features.SignIn;
using Portal.Features.Tokens;

namespace Portal.Features.Audit;

/// <summary>/api/audit: search (paginated), download (CSV or JSON Lines, streamed) and chain verification.</summary>
internal static class AuditApi
{
    public static void MapAuditApi(this RouteGroupBuilder api)
    {
        var audit = api.MapGroup("/audit").WithTags("Audit");
        audit.MapGet("/", SearchAsync).WithName("SearchAudit").WithSummary("Audit events you may read, newest first, filtered and paginated.");
        audit.MapGet("/export", ExportAsync).WithName("ExportAudit").WithSummary("The same events, oldest first, as CSV or JSON Lines.");
        audit.MapGet("/verify", VerifyAsync).WithName("VerifyAudit").WithSummary("Checks the hash chain; names the first broken event (auditors only).");
    }

    private static async Task<IResult> SearchAsync(
        DateTimeOffset? from, DateTimeOffset? to, Guid? actor, Guid? vo, Guid? dataset, string? type, string? outcome, int? page, int? pageSize,
        HttpContext http, AuditReview review, CancellationToken ct)
    {
        var filter = AuditReview.Filter(from, to, actor, vo, dataset, type, outcome);
        if (filter.Failure is { } bad) { return bad.ToProblem(); }
        var paging = Paging.From(page, pageSize);
        if (paging.Failure is { } badPage) { return badPage.ToProblem(); }
        var result = await review.SearchAsync(Caller.From(http), filter.Value!, paging.Value, ct);
        return result.Failure is { } failure ? failure.ToProblem() : Results.Ok(result.Value);
    }

    private static async Task<IResult> ExportAsync(
        DateTimeOffset? from, DateTimeOffset? to, Guid? actor, Guid? vo, Guid? dataset, string? type, string? outcome, string? format,
        HttpContext http, PortalDb db, CancellationToken ct)
    {
        var filter = AuditReview.Filter(from, to, actor, vo, dataset, type, outcome);
        if (filter.Failure is { } bad) { return bad.ToProblem(); }
        var csv = (format ?? "csv").Equals("csv", StringComparison.OrdinalIgnoreCase);
        if (!csv && !(format ?? "").Equals("jsonl", StringComparison.OrdinalIgnoreCase))
        {
            return Failure.Invalid("format", "format is csv or jsonl.").ToProblem();
        }
        var scoped = await AuditReview.ScopeAsync(db, http.User, ct);
        if (scoped.Failure is { } failure) { return failure.ToProblem(); }

        http.Response.ContentType = csv ? "text/csv; charset=utf-8" : "application/jsonl; charset=utf-8";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"audit.{(csv ? "csv" : "jsonl")}\"";
        await using var writer = new StreamWriter(http.Response.Body, new UTF8Encoding(false), 1 << 16);
        if (csv)
        {
            await writer.WriteLineAsync("id,chain_seq,occurred_at,type,outcome,actor_user_id,actor_name,actor_ip,api_token_id,vo_id,dataset_id,grant_id,reason,details,hash");
        }
        await foreach (var e in AuditReview.StreamAsync(scoped.Value!, filter.Value!, ct))
        {
            await writer.WriteLineAsync(csv ? CsvLine(e) : JsonSerializer.Serialize(e, JsonOptions));
        }
        await writer.FlushAsync(ct);
        return Results.Empty;
    }

    private static async Task<IResult> VerifyAsync(HttpContext http, PortalDb db, IConfiguration configuration, CancellationToken ct)
    {
        // The database, not the session's claims: an auditor role withdrawn an hour ago must not still verify.
        var me = http.User.UserId();
        var auditor = me is not null && BearerTokens.TokenIdOf(http.User) is null && await db.Users.AnyAsync(
            u => u.Id == me && !u.Suspended && (u.PlatformRoles & PlatformRoles.Auditor) != 0, ct);
        if (!auditor)
        {
            return Failure.Forbidden("Only auditors verify the whole chain.").ToProblem();
        }
        await using var conn = new NpgsqlConnection(Hosting.DatabaseConnectivity.RequireConnectionString(configuration));
        await conn.OpenAsync(ct);
        return Results.Ok(await AuditChainVerifier.VerifyAsync(conn, ct));
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    private static string CsvLine(AuditEventView e) => string.Join(',',
        e.Id.ToString(CultureInfo.InvariantCulture), e.ChainSeq?.ToString(CultureInfo.InvariantCulture) ?? "",
        e.OccurredAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture), Csv(e.Type), e.Outcome, e.ActorUserId?.ToString() ?? "",
        Csv(e.ActorName), Csv(e.ActorIp), e.ApiTokenId?.ToString() ?? "", e.VoId?.ToString() ?? "", e.DatasetId?.ToString() ?? "",
        e.GrantId?.ToString() ?? "", Csv(e.Reason), Csv(e.Details), e.Hash ?? "");

    /// <summary>RFC 4180 quoting; a leading =, +, - or @ is defused so a spreadsheet never runs a cell as a formula.</summary>
    private static string Csv(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }
        if (value[0] is '=' or '+' or '-' or '@')
        {
            value = "'" + value;
        }
        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
