using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Portal.Connectors;
using Portal.Connectors.Anonymization;
using Portal.Connectors.Writers;
using Portal.Data;

namespace Portal.Features.Datasets.Preview;

/// <summary>
/// The first rows exactly as a grant would deliver them: the export pipeline with that grant's columns, k, purpose
/// (consent filter) and pseudonym key, and the manifest of the run. The whole export runs (k-anonymity needs every
/// class), but only the first rows are kept; nothing leaves to a researcher, so it is audited as "dataset.previewed",
/// never as an export. Owner or steward.
/// </summary>
public static class PreviewDataset
{
    public sealed record Input(Guid? GrantId, int? Rows, string? Purpose);

    internal static RouteHandlerBuilder Map(RouteGroupBuilder group) =>
        group.MapGet("/{id:guid}/preview", EndpointAsync).WithName("PreviewDataset")
            .WithSummary("Owner or steward: the first rows (≤ 100) exactly as a grant delivers them, with the manifest (?grantId, &rows, &purpose).");

    private static async Task<Results<Ok<PreviewView>, ProblemHttpResult>> EndpointAsync(
        Guid id, Guid? grantId, int? rows, string? purpose, Caller caller, [AsParameters] DatasetServices services, CancellationToken ct) =>
        (await HandleAsync(services, caller, id, new Input(grantId, rows, purpose), ct)).OkOrProblem();

    public static async Task<Outcome<PreviewView>> HandleAsync(DatasetServices services, Caller caller, Guid id, Input input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(input);
        var take = input.Rows ?? 20;
        if (take is < 1 or > Connectors.Sources.SourceSampler.MaxRows)
        {
            return Failure.Invalid("dataset.preview.rows_out_of_range", "rows", $"rows must be between 1 and {Connectors.Sources.SourceSampler.MaxRows}.");
        }
        if (input.GrantId is null)
        {
            return Failure.Invalid("dataset.preview.grant_required", "grantId", "grantId is required: the preview shows what that grant delivers.");
        }
        await using var db = await services.Dbs.CreateDbContextAsync(ct);
        var m = await ManagedDataset.FindAsync(db, caller, id, DatasetNeed.Manage, "preview it", lockRow: false, ct);
        if (m.Failure is { } denied)
        {
            return denied;
        }
        var d = m.Value!.Dataset;
        var grant = await db.Grants.AsNoTracking().SingleOrDefaultAsync(g => g.Id == input.GrantId && g.DatasetId == id, ct);
        if (grant is null)
        {
            return Failure.Invalid("dataset.preview.grant_unknown", "grantId", "No grant of this dataset has that id.");
        }
        var chosen = input.Purpose is null
            ? grant.Purposes.FirstOrDefault()
            : grant.Purposes.FirstOrDefault(p => string.Equals(p.ToString(), input.Purpose, StringComparison.OrdinalIgnoreCase));
        if (chosen is null)
        {
            return Failure.Invalid("dataset.preview.purpose_not_covered", "purpose",
                $"The grant covers {string.Join(", ", grant.Purposes.Select(p => p.ToString()))}; choose one of them.");
        }
        if (d.AnonymizationProfile is null)
        {
            return Failure.Conflict("dataset.profile.missing", "anonymizationProfile", "Set an anonymization profile first: nothing can be previewed without one.");
        }
        if (d.Connector.Kind != ConnectorKind.Agent && !services.Keys.IsConfigured)
        {
            return new Failure(FailureKind.Conflict, "dataset.preview.no_master_secret", "The portal has no pseudonym master secret; ask its operator.");
        }
        return await RunAsync(services, db, caller, d, grant, chosen.ToString(), take, ct);
    }

    private static async Task<Outcome<PreviewView>> RunAsync(DatasetServices services, PortalDb db, Caller caller, Dataset d, Grant grant,
        string purpose, int take, CancellationToken ct)
    {
        var capture = new PreviewCapture(take);
        ExportManifest manifest;
        try
        {
            var profile = AnonymizationProfile.Parse(d.AnonymizationProfile!);
            // The same contract as every export: what the owner classified is what the preview shows.
            if (ProfileContract.Check(d.Columns, profile, FailureKind.Conflict, "dataset.preview.contradicts_classification") is { } contradiction)
            {
                services.Audit.Add(db, "dataset.preview_failed", AuditOutcome.Failure, caller.Actor, datasetId: d.Id, grantId: grant.Id,
                    reason: contradiction.Code, details: new { violations = contradiction.Details });
                await db.SaveChangesAsync(CancellationToken.None);
                return contradiction;
            }
            var request = new ExportRequest
            {
                Profile = profile,
                Purpose = purpose,
                PurposeText = "preview by the dataset's owner or steward",
                // At a site the agent derives the grant's key from the site's own secret.
                GrantKey = d.Connector.Kind == ConnectorKind.Agent ? new byte[32] : services.Keys.ForGrant(grant.Id),
                GrantId = grant.Id.ToString("D"),
                Columns = grant.Columns,
                K = grant.K,
                Format = ExportFormat.JsonLines,
                Clock = services.Time,
            };
            if (d.Connector.Kind == ConnectorKind.Agent)
            {
                var atSite = await PreviewAtSite.RunAsync(services, d, grant, request, take, capture, ct);
                if (atSite.Failure is { } refused)
                {
                    services.Audit.Add(db, "dataset.preview_failed", AuditOutcome.Failure, caller.Actor, datasetId: d.Id, grantId: grant.Id, reason: refused.Code,
                        details: new { error = refused.Message });
                    await db.SaveChangesAsync(CancellationToken.None);
                    return refused;
                }
                manifest = atSite.Value!;
            }
            else
            {
                manifest = await ExportPipeline.RunAsync(services.Sources.Open(d), request, capture, ct);
            }
        }
        catch (Exception e) when (e is ExportException or ProfileValidationException or Sources.DatasetSourceException)
        {
            var code = e switch { ExportException x => x.Code, Sources.DatasetSourceException x => x.Code, _ => ProfileValidationException.Code };
            services.Audit.Add(db, "dataset.preview_failed", AuditOutcome.Failure, caller.Actor, datasetId: d.Id, grantId: grant.Id, reason: code,
                details: new { error = e.Message });
            await db.SaveChangesAsync(CancellationToken.None);
            return new Failure(FailureKind.Conflict, "dataset.preview.failed", $"The preview failed ({code}): {e.Message}");
        }
        var manifestJson = JsonDocument.Parse(manifest.ToJson());
        services.Audit.Add(db, "dataset.previewed", AuditOutcome.Success, caller.Actor, datasetId: d.Id, grantId: grant.Id,
            details: new { purpose, rows = capture.Lines.Count, rowsWritten = manifest.RowsWritten, sha256 = manifest.Sha256, profileVersion = d.ProfileVersion });
        await db.SaveChangesAsync(ct);
        var objects = capture.Lines.Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        return new PreviewView(grant.Id, purpose, [.. manifest.Columns.Where(c => c.Transform != "drop").Select(c => c.Name)], objects, manifestJson.RootElement.Clone());
    }
}
