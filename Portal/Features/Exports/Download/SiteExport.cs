using System.Text.Json.Nodes;
using Portal.Connectors;
using Portal.Features.Sites.Link;

namespace Portal.Features.Exports.Download;

/// <summary>
/// An export answered by the dataset's site agent: the order goes out signed, the anonymized bytes come back and are
/// written to the researcher as they arrive (the portal holds one chunk at a time, never the file), and the agent's
/// signed manifest closes it. A refusal at the site, the agent's death or a cancellation ends it like a failing
/// in-process export: an <see cref="ExportException"/> with the code.
/// </summary>
internal static class SiteExport
{
    public static async Task<ExportManifest> RelayAsync(SiteOrders sites, SiteOrderDraft draft, Stream output, Func<string?> stopReason,
        Action<JsonObject> site, CancellationToken ct)
    {
        var opened = await sites.OpenAsync(draft, ct);
        if (opened.Failure is { } refused)
        {
            throw new ExportException(refused.Code, refused.Message, Unfinished(draft, refused.Code), null);
        }
        await using var call = opened.Value!;
        long bytes = 0;
        try
        {
            await foreach (var chunk in call.ChunksAsync(ct))
            {
                await output.WriteAsync(chunk, ct);
                bytes += chunk.Length;
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            var reason = stopReason() ?? "export.client_gone";
            call.Cancel(reason);
            throw new ExportException(reason, "The export was stopped.", Unfinished(draft, reason, bytes), null);
        }
        var end = call.End!;
        var manifest = end.ManifestJson is { } json ? ExportManifest.FromJson(json) : null;
        site(new JsonObject
        {
            ["agentId"] = call.AgentId.ToString("D"),
            ["orderId"] = call.OrderId,
            ["signature"] = end.Signature is { } signature ? Convert.ToBase64String(signature) : null,
        });
        if (!end.Completed || manifest is null)
        {
            var code = end.Code ?? "site.delivery.malformed";
            throw new ExportException(code, end.Message ?? SiteLinkException.Describe(code), manifest ?? Unfinished(draft, code, bytes), null);
        }
        return manifest;
    }

    private static ExportManifest Unfinished(SiteOrderDraft draft, string code, long bytes = 0) => new()
    {
        Source = $"site:{draft.SiteDataset}",
        ProfileName = "",
        ProfileVersion = draft.ProfileVersion,
        GrantId = draft.GrantId?.ToString("D"),
        Purpose = draft.Purpose ?? "",
        Format = draft.Format ?? "",
        Gzip = draft.Gzip,
        K = draft.K,
        BytesWritten = bytes,
        Complete = false,
        Error = code,
    };
}
