using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Features.Datasets;

/// <summary>Entities into the views the API and the pages show.</summary>
public static class DatasetProjection
{
    public static DatasetView View(Dataset d, Guid me, bool manage, IReadOnlyList<ShareView>? shares = null)
    {
        ArgumentNullException.ThrowIfNull(d);
        var role = d.OwnerId == me ? "Owner" : d.Stewards.Any(s => s.UserId == me) ? "Steward" : null;
        DatasetManageView? details = null;
        if (manage)
        {
            var c = d.Connector;
            details = new DatasetManageView(
                new SourceView(c.Kind.ToString(), c.Host, c.Port, c.Database, c.Schema, c.Relation, c.Username, c.ProtectedPassword is not null,
                    c.FilePath is null ? null : Path.GetFileName(c.FilePath)),
                [.. d.Columns.Select(Column)],
                d.AnonymizationProfile, d.ProfileVersion,
                [.. d.Stewards.OrderBy(s => s.User?.DisplayName).Select(s => new StewardView(s.UserId, s.User?.DisplayName ?? "", s.AddedAt))],
                shares ?? []);
        }
        return new DatasetView(d.Id, d.Name, d.Description, d.Status.ToString(), DatasetRules.DuoText(d.DataUse), d.TermsOfUse, d.TermsVersion, d.DefaultK,
            d.OwnerId, d.Owner?.DisplayName ?? "", d.CreatedAt, d.UpdatedAt, d.WithdrawnAt, d.WithdrawalReason, role, details);
    }

    public static ColumnView Column(DatasetColumn c)
    {
        ArgumentNullException.ThrowIfNull(c);
        return new(c.Name, c.DataType, c.Classification.ToString(), c.Description);
    }

    /// <summary>The full view of a dataset its caller manages, with the catalogues it is in.</summary>
    public static async Task<DatasetView> ManagedViewAsync(PortalDb db, ManagedDataset m, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(m);
        return View(m.Dataset, m.Me.Id, manage: true, await SharesAsync(db, m.Dataset.Id, ct));
    }

    public static async Task<List<ShareView>> SharesAsync(PortalDb db, Guid id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        return await db.DatasetShares.AsNoTracking().Where(s => s.DatasetId == id).OrderBy(s => s.Vo!.Name)
            .Select(s => new ShareView(s.VoId, s.Vo!.Name, s.SharedAt)).ToListAsync(ct);
    }
}
