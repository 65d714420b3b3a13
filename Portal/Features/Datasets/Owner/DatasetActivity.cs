using Microsoft.EntityFrameworkCore;

namespace Portal.Features.Datasets.Owner;

/// <summary>Pending requests and live grants per dataset, for the owner's dashboard: counted only for datasets the caller manages.</summary>
public static class DatasetActivity
{
    public sealed record Counts(IReadOnlyDictionary<Guid, int> PendingRequests, IReadOnlyDictionary<Guid, int> LiveGrants);

    public static async Task<Outcome<Counts>> HandleAsync(DatasetServices services, Caller caller, IReadOnlyList<Guid> datasetIds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(datasetIds);
        await using var db = await services.Dbs.CreateDbContextAsync(ct);
        var me = await VoAccess.CallerAsync(db, caller, ct);
        if (me.Failure is { } denied)
        {
            return denied;
        }
        var myId = me.Value!.Id;
        var ids = await db.Datasets.AsNoTracking()
            .Where(d => datasetIds.Contains(d.Id) && (d.OwnerId == myId || d.Stewards.Any(s => s.UserId == myId)))
            .Select(d => d.Id).ToListAsync(ct);
        var now = services.Time.GetUtcNow();
        // Two grouped queries for the page's datasets only.
        var pending = await db.AccessRequests.AsNoTracking().Where(r => ids.Contains(r.DatasetId) && r.Status == AccessRequestStatus.Pending)
            .GroupBy(r => r.DatasetId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        var live = await db.Grants.AsNoTracking().Where(g => ids.Contains(g.DatasetId) && g.RevokedAt == null && g.ValidFrom <= now && g.ValidUntil > now)
            .GroupBy(g => g.DatasetId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        return new Counts(pending, live);
    }
}
