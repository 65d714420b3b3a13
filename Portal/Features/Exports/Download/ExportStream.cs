using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Portal.Connectors;
using Portal.Connectors.Sources;
using Portal.Data;
using Portal.Features.Audit;
using Portal.Features.Sites.Link;
using Portal.Hosting;
using Portal.Policy;
using Portal.Policy.Model;

namespace Portal.Features.Exports.Download;

/// <summary>A permitted export, ready to stream: the question the policy answered, and what the connector will run.</summary>
internal sealed record PermittedExport(
    AccessQuestion Question, Guid GrantId, Guid DatasetId, string DatasetName, AuditActor Actor,
    ExportSource? Source, ExportRequest Request, string PurposeText, SiteOrderDraft? SiteOrder = null);

/// <summary>
/// Streams a permitted export. "export.started" is committed before the first byte; the connector streams under
/// exactly the decision's obligations; "export.completed" (or "export.aborted") records the manifest. A revocation,
/// expiry or suspension during the stream ends it within half a second, and the response is cut off, visibly incomplete.
/// Nothing here runs per row: the connector does.
/// </summary>
internal static class ExportStream
{
    private static readonly TimeSpan RecheckEvery = TimeSpan.FromMilliseconds(500);

    public static async Task<IResult> RunAsync(HttpContext http, ExportServices services, PortalDb db, PermittedExport export)
    {
        var request = export.Request;
        var format = request.Format.ToString();

        // Committed before the first byte: no data leaves without its trail.
        var started = services.Audit.Add(db, "export.started", AuditOutcome.Success, export.Actor, datasetId: export.DatasetId, grantId: export.GrantId,
            details: new { purpose = export.PurposeText, format, gzip = request.Gzip, k = request.K, columns = request.Columns });
        await db.SaveChangesAsync(http.RequestAborted);
        services.Metrics.ExportStarted(format);

        http.Response.ContentType = ExportFormats.ContentType(request.Format, request.Gzip);
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{ExportFormats.FileName(export.DatasetName, request.Format, request.Gzip)}\"";
        http.Response.Headers["X-Export-Id"] = started.Id.ToString(CultureInfo.InvariantCulture);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        string? stopReason = null;
        JsonObject? site = null;
        var watch = WatchPermissionAsync(services, export, r => { stopReason = r; stop.Cancel(); }, stop.Token);
        try
        {
            var manifest = export.SiteOrder is { } order
                ? await SiteExport.RelayAsync(services.Sites, order, http.Response.Body, () => stopReason, s => site = s, stop.Token)
                : await ExportPipeline.RunAsync(export.Source!, request, http.Response.Body, stop.Token);
            services.Audit.Add(db, "export.completed", AuditOutcome.Success, export.Actor, datasetId: export.DatasetId, grantId: export.GrantId,
                details: WithSite(manifest, site));
            await LowDelivery.WarnOwnerAsync(services, db, export, manifest, http.RequestAborted);
            await SaveClosingEventAsync(db, services.Logs, started.Id);
            services.Metrics.ExportCompleted(format, manifest.BytesWritten);
            return Results.Empty;
        }
        catch (ExportException e)
        {
            // Why it stopped: the policy's reason, the client leaving, or the connector's code for its fault.
            var reason = stopReason ?? (http.RequestAborted.IsCancellationRequested ? "export.client_gone" : e.Code);
            services.Audit.Add(db, "export.aborted", AuditOutcome.Failure, export.Actor, datasetId: export.DatasetId, grantId: export.GrantId, reason: reason,
                details: WithSite(e.Manifest, site));
            await SaveClosingEventAsync(db, services.Logs, started.Id);
            services.Metrics.ExportAborted(format, reason, e.Manifest.BytesWritten);
            services.Logs.CreateLogger(typeof(ExportStream)).LogWarning("Export {ExportId} aborted: {Reason}", started.Id, reason);
            if (!http.Response.HasStarted)
            {
                // The site's own rule (its policy) refused: that is a refusal, not an outage.
                return e.Code.StartsWith("site.policy.", StringComparison.Ordinal)
                    ? ExportProblems.Problem(StatusCodes.Status403Forbidden, e.Code, "The data's site refused the export.", e.Message)
                    : ExportProblems.Problem(StatusCodes.Status503ServiceUnavailable, e.Code, "The export failed.", e.Message);
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

    /// <summary>The manifest as audited; for a site's export with the agent, the order and the agent's signature of the manifest.</summary>
    private static JsonDocument WithSite(ExportManifest manifest, JsonObject? site)
    {
        if (site is null)
        {
            return JsonDocument.Parse(manifest.ToJson());
        }
        var node = JsonNode.Parse(manifest.ToJson())!.AsObject();
        node["site"] = site;
        return JsonSerializer.SerializeToDocument(node);
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
            catch (Exception e) when (attempt < 8 && DatabaseUnavailable.Is(e))
            {
                logs.CreateLogger(typeof(ExportStream)).LogWarning("Export {ExportId}: its closing audit event waits for the database ({Message})",
                    exportId, e.GetBaseException().Message);
                await Task.Delay(delay);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 4000));
            }
        }
    }

    /// <summary>Asks the policy again twice a second; a deny, or a switch to another grant (another key), stops the stream.</summary>
    private static async Task WatchPermissionAsync(ExportServices services, PermittedExport export, Action<string> stopWith, CancellationToken ct)
    {
        // The cadence is wall-clock time; the decision uses the portal's clock.
        using var timer = new PeriodicTimer(RecheckEvery);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                var now = services.Engine.Decide(export.Question with { Now = services.Time.GetUtcNow() });
                if (!now.IsPermit || now.Obligations.Grant?.Id != export.GrantId)
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
}
