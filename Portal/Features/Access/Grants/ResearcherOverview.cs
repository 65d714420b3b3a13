using Microsoft.EntityFrameworkCore;

namespace Portal.Features.Access.Grants;

/// <summary>The researcher's start page: the datasets their live VOs list, and their live personal grants.</summary>
public static class ResearcherOverview
{
    public sealed record CatalogueRow(Guid Id, string Dataset, string Vo, string Description);

    public sealed record GrantRow(Guid DatasetId, string Dataset, string Purposes, DateTimeOffset ValidUntil);

    public sealed record View(IReadOnlyList<CatalogueRow> Catalogue, IReadOnlyList<GrantRow> Grants);

    public static async Task<Outcome<View>> HandleAsync(AccessServices services, Caller caller, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        await using var db = await services.Dbs.CreateDbContextAsync(ct);
        var me = await caller.ResolveAsync(db, ct);
        if (me.Failure is { } denied)
        {
            return denied;
        }
        var myId = me.Value!.Id;
        var now = services.Time.GetUtcNow();
        var myVos = db.Memberships.Where(Membership.ActiveAt(now)).Where(m => m.UserId == myId).Select(m => m.VoId);
        var catalogue = await db.DatasetShares.AsNoTracking()
            .Where(s => myVos.Contains(s.VoId) && s.Dataset!.Status == DatasetStatus.Active)
            .OrderBy(s => s.Dataset!.Name)
            .Select(s => new CatalogueRow(s.DatasetId, s.Dataset!.Name, s.Vo!.Name, s.Dataset.Description))
            .ToListAsync(ct);
        // Person grants only here; the policy engine decides grants to VOs, roles and institutions (the grants page lists those).
        var grants = await db.Grants.AsNoTracking().Where(g => g.GranteeUserId == myId).LiveAt(now)
            .OrderBy(g => g.ValidUntil)
            .Select(g => new { g.DatasetId, Dataset = g.Dataset!.Name, g.Purposes, g.ValidUntil })
            .ToListAsync(ct);
        return new View(catalogue,
            [.. grants.Select(g => new GrantRow(g.DatasetId, g.Dataset, string.Join(", ", g.Purposes.Select(p => p.ToString())), g.ValidUntil))]);
    }
}
