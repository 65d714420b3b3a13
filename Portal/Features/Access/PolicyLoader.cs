using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Policy;
using Portal.Policy.Model;

namespace Portal.Features.Access;

/// <summary>Reads what the policy engine needs from the database: everything at once, or one changed thing.</summary>
public static class PolicyLoader
{
    public static async Task<PolicyData> LoadAllAsync(PortalDb db, CancellationToken ct)
    {
        var subjects = (await db.Users.AsNoTracking().ToListAsync(ct)).Select(u => u.ToPolicy()).ToList();
        var memberships = (await db.Memberships.AsNoTracking().ToListAsync(ct)).Select(m => m.ToPolicy()).OfType<MembershipFact>().ToList();
        var stewards = (await db.DatasetStewards.AsNoTracking().Select(s => new { s.DatasetId, s.UserId }).ToListAsync(ct))
            .ToLookup(s => s.DatasetId, s => s.UserId);
        var shares = (await db.DatasetShares.AsNoTracking().Select(s => new { s.DatasetId, s.VoId }).ToListAsync(ct))
            .ToLookup(s => s.DatasetId, s => s.VoId);
        var datasets = (await db.Datasets.AsNoTracking().ToListAsync(ct))
            .Select(d => d.ToPolicy([.. stewards[d.Id]], [.. shares[d.Id]])).ToList();
        var grants = (await db.Grants.AsNoTracking().ToListAsync(ct)).Select(g => g.ToPolicy()).ToList();
        return new PolicyData(subjects, memberships, datasets, grants);
    }

    /// <summary>Applies one change notification ("grant:&lt;id&gt;", "dataset:&lt;id&gt;", "user:&lt;id&gt;", "membership:&lt;user&gt;:&lt;vo&gt;").</summary>
    public static async Task ApplyAsync(PortalDb db, PolicyEngine engine, string change, CancellationToken ct)
    {
        var parts = change.Split(':');
        switch (parts[0])
        {
            case "grant" when Guid.TryParse(parts[1], out var id):
                var grant = await db.Grants.AsNoTracking().SingleOrDefaultAsync(g => g.Id == id, ct);
                if (grant is null) { engine.RemoveGrant(id); } else { engine.UpsertGrant(grant.ToPolicy()); }
                break;
            case "dataset" when Guid.TryParse(parts[1], out var id):
                var dataset = await db.Datasets.AsNoTracking().SingleOrDefaultAsync(d => d.Id == id, ct);
                if (dataset is null)
                {
                    engine.RemoveDataset(id);
                    break;
                }
                var stewards = await db.DatasetStewards.Where(s => s.DatasetId == id).Select(s => s.UserId).ToListAsync(ct);
                var shares = await db.DatasetShares.Where(s => s.DatasetId == id).Select(s => s.VoId).ToListAsync(ct);
                engine.UpsertDataset(dataset.ToPolicy(stewards, shares));
                break;
            case "user" when Guid.TryParse(parts[1], out var id):
                var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == id, ct);
                if (user is null) { engine.RemoveSubject(id); } else { engine.UpsertSubject(user.ToPolicy()); }
                break;
            case "membership" when parts.Length == 3 && Guid.TryParse(parts[1], out var userId) && Guid.TryParse(parts[2], out var voId):
                var membership = await db.Memberships.AsNoTracking().SingleOrDefaultAsync(m => m.UserId == userId && m.VoId == voId, ct);
                if (membership?.ToPolicy() is { } live) { engine.UpsertMembership(live); } else { engine.RemoveMembership(userId, voId); }
                break;
            default:
                throw new FormatException($"Unknown policy change notification '{change}'.");
        }
    }
}
