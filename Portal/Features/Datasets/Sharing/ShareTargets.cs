using Microsoft.EntityFrameworkCore;

namespace Portal.Features.Datasets.Sharing;

/// <summary>The VOs the caller is a live member of, to share into (the owner's page).</summary>
public static class ShareTargets
{
    public static async Task<Outcome<IReadOnlyList<ShareView>>> HandleAsync(DatasetServices services, Caller caller, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        await using var db = await services.Dbs.CreateDbContextAsync(ct);
        var me = await VoAccess.CallerAsync(db, caller, ct);
        if (me.Failure is { } denied)
        {
            return denied;
        }
        var now = services.Time.GetUtcNow();
        var myId = me.Value!.Id;
        return await db.Memberships.AsNoTracking().Where(Membership.ActiveAt(now))
            .Where(m => m.UserId == myId && m.Vo!.ArchivedAt == null)
            .OrderBy(m => m.Vo!.Name).Select(m => new ShareView(m.VoId, m.Vo!.Name, m.CreatedAt)).ToListAsync(ct);
    }
}
