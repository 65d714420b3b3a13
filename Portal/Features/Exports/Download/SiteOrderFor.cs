using Microsoft.EntityFrameworkCore;
using Portal.Connectors;
using Portal.Connectors.Sites.Protocol;
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
        // The VOs through which the requester reaches the dataset: the site may allow some VOs only.
        var memberships = db.Memberships.Where(Membership.ActiveAt(services.Time.GetUtcNow())).Where(m => m.UserId == requester);
        var vos = await db.DatasetShares.AsNoTracking()
            .Where(s => s.DatasetId == dataset.Id && memberships.Any(m => m.VoId == s.VoId))
            .Select(s => s.VoId).ToListAsync(ct);
        var granteeVo = await db.Grants.AsNoTracking().Where(g => g.Id == grant.Id).Select(g => g.GranteeVoId).SingleOrDefaultAsync(ct);
        if (granteeVo is { } vo && !vos.Contains(vo))
        {
            vos.Add(vo);
        }
        return SiteExportOrders.For(dataset, OrderKind.Export, grant.Id, request, ExportFormats.Name(request.Format)) with
        {
            RequesterRef = services.OrderKey.RequesterRef(requester),
            VoIds = vos,
        };
    }
}
