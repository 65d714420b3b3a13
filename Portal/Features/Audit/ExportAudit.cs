using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace Portal.Features.Audit;

/// <summary>The events the caller may read, oldest first, streamed as CSV or JSON Lines (at most <see cref="AuditReview.MaxExportRows"/>).</summary>
public static class ExportAudit
{
    internal static RouteHandlerBuilder Map(RouteGroupBuilder audit) =>
        audit.MapGet("/export", Endpoint).WithName("ExportAudit").WithSummary("The same events, oldest first, as CSV or JSON Lines.");

    public sealed record Input(AuditFilter Filter, bool Csv);

    // Streams to the response body as it reads: the answer is written here, not returned as a typed result.
    private static async Task<IResult> Endpoint(
        DateTimeOffset? from, DateTimeOffset? to, Guid? actor, Guid? vo, Guid? dataset, string? type, string? outcome, string? format,
        HttpContext http, Caller caller, [AsParameters] AuditServices services, CancellationToken ct)
    {
        var filter = AuditReview.Filter(from, to, actor, vo, dataset, type, outcome);
        if (filter.Failure is { } bad) { return bad.ToProblem(); }
        var csv = (format ?? "csv").Equals("csv", StringComparison.OrdinalIgnoreCase);
        if (!csv && !(format ?? "").Equals("jsonl", StringComparison.OrdinalIgnoreCase))
        {
            return Failure.Invalid("audit.export.format_invalid", "format", "format is csv or jsonl.").ToProblem();
        }
        var lines = await HandleAsync(services, caller, new Input(filter.Value!, csv), ct);
        if (lines.Failure is { } failure) { return failure.ToProblem(); }

        http.Response.ContentType = csv ? "text/csv; charset=utf-8" : "application/jsonl; charset=utf-8";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"audit.{(csv ? "csv" : "jsonl")}\"";
        await using var writer = new StreamWriter(http.Response.Body, new UTF8Encoding(false), 1 << 16);
        await foreach (var line in lines.Value!.WithCancellation(ct))
        {
            await writer.WriteLineAsync(line);
        }
        await writer.FlushAsync(ct);
        return Results.Empty;
    }

    /// <summary>
    /// Checks that the caller may read the trail, then returns its lines (header first for CSV), read as they are
    /// written: the stream opens its own context, so a large export never sits in memory.
    /// </summary>
    public static async Task<Outcome<IAsyncEnumerable<string>>> HandleAsync(AuditServices services, Caller caller, Input input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(input);
        await using (var db = await services.Dbs.CreateDbContextAsync(ct))
        {
            if ((await AuditReview.ScopeAsync(db, caller.Principal, ct)).Failure is { } refused)
            {
                return refused;
            }
        }
        return Outcome.Ok(LinesAsync(services, caller, input, ct));
    }

    private static async IAsyncEnumerable<string> LinesAsync(AuditServices services, Caller caller, Input input,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await using var db = await services.Dbs.CreateDbContextAsync(ct);
        var scoped = await AuditReview.ScopeAsync(db, caller.Principal, ct);
        if (scoped.Failure is not null)
        {
            yield break;
        }
        if (input.Csv)
        {
            yield return "id,chain_seq,occurred_at,type,outcome,actor_user_id,actor_name,actor_ip,api_token_id,vo_id,dataset_id,grant_id,reason,details,hash";
        }
        await foreach (var e in AuditReview.StreamAsync(scoped.Value!, input.Filter, ct))
        {
            yield return input.Csv ? CsvLine(e) : JsonSerializer.Serialize(e, JsonOptions);
        }
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
