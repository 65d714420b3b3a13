using Portal.Connectors;
using Portal.Connectors.Sites.Protocol;
using Portal.Features.Sites.Link;

namespace Portal.Features.Datasets.Preview;

/// <summary>
/// The preview of a dataset behind a site agent: a PREVIEW order under the grant's terms; the agent runs the whole
/// export at the site and sends only the first rows (JSON Lines) and its signed manifest.
/// </summary>
internal static class PreviewAtSite
{
    /// <summary>A hundred JSON lines of a wide table stay far below this.</summary>
    private const int MaxBytes = 4 << 20;

    public static async Task<Outcome<ExportManifest>> RunAsync(DatasetServices services, Dataset d, Grant grant, ExportRequest request, int take,
        PreviewCapture capture, CancellationToken ct)
    {
        var draft = SiteExportOrders.For(d, OrderKind.Preview, grant.Id, request, "jsonl") with { RowLimit = take };
        var answer = await services.Sites.AskAsync(draft, MaxBytes, ct);
        if (answer.Failure is { } failed)
        {
            return failed;
        }
        await capture.WriteAsync(answer.Value!.Body, ct);
        return ExportManifest.FromJson(answer.Value.End.ManifestJson!) is { } manifest
            ? manifest
            : new Failure(FailureKind.Unavailable, "site.delivery.malformed", "The site's manifest of the preview cannot be read.");
    }
}
