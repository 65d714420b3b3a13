using Microsoft.EntityFrameworkCore;

namespace Portal.Features.Datasets.Owner;

/// <summary>The dataset's grants, for choosing one to preview under (owner and stewards).</summary>
public static class GrantChoices
{
    public sealed record Choice(Guid Id, string Grantee, IReadOnlyList<string> Purposes, DateTimeOffset ValidUntil, bool Live, int K);

    public static async Task<Outcome<IReadOnlyList<Choice>>> HandleAsync(DatasetServices services, Caller caller, Guid id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        await using var db = await services.Dbs.CreateDbContextAsync(ct);
        var m = await ManagedDataset.FindAsync(db, caller, id, DatasetNeed.Manage, "see its grants", lockRow: false, ct);
        if (m.Failure is { } denied)
        {
            return denied;
        }
        var now = services.Time.GetUtcNow();
        var grants = await db.Grants.AsNoTracking().Where(g => g.DatasetId == id).OrderByDescending(g => g.ValidUntil)
            .Select(g => new { g.Id, g.GranteeKind, User = g.GranteeUser!.DisplayName, Vo = g.GranteeVo!.Name, g.Purposes, g.ValidFrom, g.ValidUntil, g.RevokedAt, g.K })
            .ToListAsync(ct);
        return grants.Select(g => new Choice(g.Id,
            g.GranteeKind == GranteeKind.Person ? g.User ?? "a person" : $"{g.Vo} ({g.GranteeKind})",
            [.. g.Purposes.Select(p => p.ToString())], g.ValidUntil, g.RevokedAt is null && g.ValidFrom <= now && now < g.ValidUntil, g.K)).ToList();
    }
}
