using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Connectors;
using Portal.Connectors.Anonymization;
using Portal.Connectors.Writers;
using Portal.Data;
using Portal.Features.Access;
using Portal.Features.Audit;
using Portal.Features.SignIn;
using Portal.Policy;
using Portal.Policy.Model;

namespace Portal.Features.Exports;

/// <summary>
/// GET /api/datasets/{id}/export: the moment data leaves. The policy decides with the caller's declared purpose; on
/// permit, "export.started" is committed before the first byte, the connector streams under exactly the decision's
/// obligations, and "export.completed" (or "export.aborted") records the manifest. A revocation, expiry or suspension
/// during the stream ends it within half a second, and the response is cut off, visibly incomplete.
/// </summary>
internal static class ExportApi
{
    public static void MapExportApi(this RouteGroupBuilder api) =>
        api.MapGet("/datasets/{id:guid}/export", ExportAsync)
            .WithName("ExportDataset")
            .WithSummary("Stream the dataset, anonymized under your grant, for a declared purpose (csv, jsonl or parquet; gzip on request).");

    private static readonly TimeSpan RecheckEvery = TimeSpan.FromMilliseconds(500);

    private static async Task<IResult> ExportAsync(
        Guid id, string? purpose, bool? commercial, string? ethics, string? format, bool? gzip,
        HttpContext http, PolicyEngine engine, PortalDb db, AuditLog audit, DatasetSources sources, PseudonymKeys keys,
        TimeProvider time, ILoggerFactory logs, Hosting.PortalMetrics metrics)
    {
        if (http.User.UserId() is not { } me)
        {
            return TypedResults.Unauthorized();
        }
        if (!PurposeCodes.TryParseDeclared(purpose, commercial ?? false, ethics, out var declared, out var purposeError))
        {
            return Failure.Invalid("purpose", purposeError!).ToProblem();
        }
        if (!TryFormat(format, out var exportFormat))
        {
            return Failure.Invalid("format", $"Unknown format '{format}'; use csv, jsonl or parquet.").ToProblem();
        }
        var actor = Caller.From(http).Actor;
        var question = new AccessQuestion(me, PolicyAction.ExportData, id, time.GetUtcNow(), declared, Tokens.BearerTokens.ClientOf(http.User));
        var decision = engine.Decide(question);
        metrics.Decision("export", decision.Effect);
        var purposeText = declared.Disease is null ? declared.Code.ToString() : $"{declared.Code}:{declared.Disease}";
        if (!decision.IsPermit)
        {
            var reasons = decision.Explain();
            audit.Add(db, "export.denied", AuditOutcome.Denied, actor, datasetId: id, reason: reasons.Count > 0 ? reasons[0].Code : null,
                details: new { purpose = purposeText, format = exportFormat.ToString(), reasons = reasons.Select(r => r.Code) });
            await db.SaveChangesAsync(http.RequestAborted);
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Export not permitted.",
                detail: string.Join(" ", reasons.Select(r => r.Sentence)),
                extensions: new Dictionary<string, object?> { ["reasons"] = reasons.Select(r => new { code = r.Code, sentence = r.Sentence }).ToList() });
        }

        var grant = decision.Obligations.Grant!;
        var dataset = await db.Datasets.AsNoTracking().SingleAsync(d => d.Id == id, http.RequestAborted);
        if (dataset.AnonymizationProfile is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The dataset has no anonymization profile yet.",
                detail: "Nothing can leave a dataset before its owner sets how it is anonymized.");
        }
        if (!keys.IsConfigured)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Exports are not configured.",
                detail: "The portal has no pseudonym master secret; ask its operator.");
        }
        AnonymizationProfile profile;
        Connectors.Sources.ExportSource source;
        try
        {
            profile = AnonymizationProfile.Parse(dataset.AnonymizationProfile);
            source = sources.Open(dataset);
        }
        catch (Exception e) when (e is ProfileValidationException or DatasetSourceException)
        {
            audit.Add(db, "export.failed", AuditOutcome.Failure, actor, datasetId: id, grantId: grant.Id, reason: "export.source", details: new { error = e.Message });
            await db.SaveChangesAsync(http.RequestAborted);
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The dataset's source cannot be read now.", detail: e.Message);
        }

        var request = new ExportRequest
        {
            Profile = profile,
            Purpose = ConsentPurpose(decision.Obligations.ConsentFilterPurpose),
            PurposeText = purposeText,
            GrantKey = keys.ForGrant(grant.Id),
            GrantId = grant.Id.ToString("D"),
            Columns = decision.Obligations.Columns,
            K = decision.Obligations.K,
            Format = exportFormat,
            Gzip = gzip ?? false,
            Clock = time,
        };

        return await StreamAsync(http, engine, db, audit, time, logs, metrics, question, grant.Id, id, actor, source, request, purposeText, dataset.Name);
    }

    private static async Task<IResult> StreamAsync(
        HttpContext http, PolicyEngine engine, PortalDb db, AuditLog audit, TimeProvider time, ILoggerFactory logs,
        Hosting.PortalMetrics metrics, AccessQuestion question, Guid grantId, Guid id, AuditActor actor, Connectors.Sources.ExportSource source,
        ExportRequest request, string purposeText, string datasetName)
    {
        var exportFormat = request.Format;

        // Committed before the first byte: no data leaves without its trail.
        var started = audit.Add(db, "export.started", AuditOutcome.Success, actor, datasetId: id, grantId: grantId,
            details: new { purpose = purposeText, format = exportFormat.ToString(), gzip = request.Gzip, k = request.K, columns = request.Columns });
        await db.SaveChangesAsync(http.RequestAborted);
        metrics.ExportStarted(exportFormat.ToString());

        http.Response.ContentType = ContentType(exportFormat, request.Gzip);
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{FileName(datasetName, exportFormat, request.Gzip)}\"";
        http.Response.Headers["X-Export-Id"] = started.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        string? stopReason = null;
        var watch = WatchPermissionAsync(engine, question, time, grantId, r => { stopReason = r; stop.Cancel(); }, stop.Token);
        try
        {
            var manifest = await ExportPipeline.RunAsync(source, request, http.Response.Body, stop.Token);
            audit.Add(db, "export.completed", AuditOutcome.Success, actor, datasetId: id, grantId: grantId,
                details: JsonDocument.Parse(manifest.ToJson()));
            await SaveClosingEventAsync(db, logs, started.Id);
            metrics.ExportCompleted(exportFormat.ToString(), manifest.BytesWritten);
            return Results.Empty;
        }
        catch (ExportException e)
        {
            var reason = stopReason ?? (http.RequestAborted.IsCancellationRequested ? "export.client_gone" : "export.failed");
            audit.Add(db, "export.aborted", AuditOutcome.Failure, actor, datasetId: id, grantId: grantId, reason: reason,
                details: e.Manifest is { } m ? JsonDocument.Parse(m.ToJson()) : new { error = e.Message });
            await SaveClosingEventAsync(db, logs, started.Id);
            metrics.ExportAborted(exportFormat.ToString(), reason, e.Manifest?.BytesWritten ?? 0);
            logs.CreateLogger(typeof(ExportApi)).LogWarning("Export {ExportId} aborted: {Reason}", started.Id, reason);
            if (!http.Response.HasStarted)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The export failed.", detail: e.Message);
            }
            // Cut the connection: a chunked response without its last chunk is visibly incomplete to every client.
            http.Abort();
            return Results.Empty;
        }
        finally
        {
            await stop.CancelAsync();
            await watch;
        }
    }

    /// <summary>
    /// The closing event of an export that has sent data. A database that is briefly unreachable (a restart, a failover)
    /// must not lose it, so it is retried for about 15 s; meanwhile the response stays open, unfinished.
    /// </summary>
    private static async Task SaveClosingEventAsync(PortalDb db, ILoggerFactory logs, long exportId)
    {
        var delay = TimeSpan.FromMilliseconds(250);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await db.SaveChangesAsync(CancellationToken.None);
                return;
            }
            catch (Exception e) when (attempt < 8 && Hosting.DatabaseUnavailable.Is(e))
            {
                logs.CreateLogger(typeof(ExportApi)).LogWarning("Export {ExportId}: its closing audit event waits for the database ({Message})",
                    exportId, e.GetBaseException().Message);
                await Task.Delay(delay);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 4000));
            }
        }
    }

    /// <summary>Asks the policy again twice a second; a deny, or a switch to another grant (another key), stops the stream.</summary>
    private static async Task WatchPermissionAsync(
        PolicyEngine engine, AccessQuestion question, TimeProvider time, Guid grantId, Action<string> stopWith, CancellationToken ct)
    {
        // The cadence is wall-clock time; the decision uses the portal's clock.
        using var timer = new PeriodicTimer(RecheckEvery);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                var now = engine.Decide(question with { Now = time.GetUtcNow() });
                if (!now.IsPermit || now.Obligations.Grant?.Id != grantId)
                {
                    var reasons = now.Explain();
                    stopWith(now.IsPermit ? "grant.changed" : reasons.Count > 0 ? reasons[0].Code : "policy.denied");
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>The consent rules speak the declared purpose as people write it: "DS:HIV", "HMB".</summary>
    private static string ConsentPurpose(DeclaredPurpose p) => p.Disease is null ? p.Code.ToString() : $"{p.Code}:{p.Disease}";

    private static bool TryFormat(string? text, out ExportFormat format)
    {
        format = (text ?? "csv").ToUpperInvariant() switch
        {
            "CSV" => ExportFormat.Csv,
            "JSONL" or "NDJSON" => ExportFormat.JsonLines,
            "PARQUET" => ExportFormat.Parquet,
            _ => (ExportFormat)(-1),
        };
        return Enum.IsDefined(format);
    }

    private static string ContentType(ExportFormat format, bool gzip) => gzip ? "application/gzip" : format switch
    {
        ExportFormat.Csv => "text/csv; charset=utf-8",
        ExportFormat.JsonLines => "application/jsonl; charset=utf-8",
        _ => "application/vnd.apache.parquet",
    };

    private static string FileName(string dataset, ExportFormat format, bool gzip)
    {
        var stem = new string([.. dataset.Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '-')]).Trim('-');
        var extension = format switch { ExportFormat.Csv => "csv", ExportFormat.JsonLines => "jsonl", _ => "parquet" };
        return $"{(stem.Length == 0 ? "export" : stem)}.{extension}{(gzip ? ".gz" : "")}";
    }
}
