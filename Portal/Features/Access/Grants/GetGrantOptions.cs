using Microsoft.EntityFrameworkCore;

namespace Portal.Features.Access.Grants;

/// <summary>What the direct-grant form offers: the VOs the dataset is shared into, their live members and their institutions.</summary>
public static class GetGrantOptions
{
    public static async Task<Outcome<GrantOptions>> HandleAsync(AccessServices services, Caller caller, Guid datasetId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        await using var db = await services.Dbs.CreateDbContextAsync(ct);
        var manager = await DatasetManagers.ManagerAsync(db, caller, datasetId, "grant access to it", ct);
        if (manager.Failure is { } denied)
        {
            return denied;
        }
        var now = services.Time.GetUtcNow();
        var vos = await db.DatasetShares.AsNoTracking().Where(s => s.DatasetId == datasetId && s.Vo!.ArchivedAt == null)
            .OrderBy(s => s.Vo!.Name).Select(s => new GrantOption(s.VoId, s.Vo!.Name)).ToListAsync(ct);
        var voIds = vos.Select(v => v.Id).ToList();
        var people = await db.Memberships.AsNoTracking().Where(Membership.ActiveAt(now))
            .Where(m => voIds.Contains(m.VoId))
            .Select(m => new { m.UserId, m.User!.DisplayName, m.User.InstitutionId, Institution = m.User.Institution!.Name })
            .ToListAsync(ct);
        return new GrantOptions(manager.Value.Dataset.Name, vos,
            [.. people.DistinctBy(p => p.UserId).OrderBy(p => p.DisplayName, StringComparer.Ordinal).Select(p => new GrantOption(p.UserId, p.DisplayName))],
            [.. people.Where(p => p.InstitutionId is not null).DistinctBy(p => p.InstitutionId).Select(p => new GrantOption(p.InstitutionId!.Value, p.Institution ?? ""))]);
    }
}
