using Microsoft.EntityFrameworkCore;
using Portal.Connectors;
using Portal.Connectors.Sites.Protocol;
using Portal.Connectors.Writers;
using Portal.Data;
using Portal.Features.Sites.Link;
using Portal.Policy.Model;

namespace Portal.Features.Exports.Download;

/// <summary>The order a permitted export becomes when its dataset lives behind a site agent.</summary>
internal static class SiteOrderFor
{
    public static async Task<SiteOrderDraft> ExportAsync(ExportServices services, PortalDb db, Dataset dataset, Guid requester, GrantFact grant,
        ExportRequest request, CancellationToken ct)
    {
        var now = services.Time.GetUtcNow();
        // The VOs through which the requester reaches the dataset: the site may allow some VOs only.
        var vos = await db.DatasetShares.AsNoTracking()
            .Where(s => s.DatasetId == dataset.Id && db.Memberships.Any(m => m.VoId == s.VoId && m.UserId == requester
                && m.Status == MembershipStatus.Active && (m.ExpiresAt == null || m.ExpiresAt > now)))
            .Select(s => s.VoId).ToListAsync(ct);
        var granteeVo = await db.Grants.AsNoTracking().Where(g => g.Id == grant.Id).Select(g => g.GranteeVoId).SingleOrDefaultAsync(ct);
        if (granteeVo is { } vo && !vos.Contains(vo))
        {
            vos.Add(vo);
        }
        return new SiteOrderDraft(
            dataset.Connector.AgentId ?? Guid.Empty, OrderKind.Export, dataset.Connector.SiteDataset!, dataset.Id,
            GrantId: grant.Id,
            ProfileJson: dataset.AnonymizationProfile,
            ProfileVersion: dataset.ProfileVersion,
            Purpose: request.Purpose,
            // The k the export will meet: the larger of the grant's and the profile's, as the pipeline applies it.
            K: Math.Max(request.K, request.Profile.K),
            Columns: request.Columns,
            RequesterRef: services.OrderKey.RequesterRef(requester),
            VoIds: vos,
            Format: request.Format switch { ExportFormat.JsonLines => "jsonl", ExportFormat.Parquet => "parquet", _ => "csv" },
            Gzip: request.Gzip);
    }
}
