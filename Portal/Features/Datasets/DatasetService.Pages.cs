using Microsoft.EntityFrameworkCore;
using Portal.Features.SignIn;
using Portal.Features.VirtualOrganizations;

namespace Portal.Features.Datasets;

/// <summary>What the owner's pages need besides the API's operations; the same authorization.</summary>
public sealed partial class DatasetService
{
    /// <summary>The dataset's grants, for choosing one to preview under (owner and stewards).</summary>
    public async Task<Outcome<IReadOnlyList<GrantChoice>>> GrantsAsync(Caller caller, Guid id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        await using var db = await dbs.CreateDbContextAsync(ct);
        var m = await ManagedAsync(db, caller, id, Need.Manage, "see its grants", lockRow: false, ct);
        if (m.Failure is { } denied)
        {
            return denied;
        }
        var now = time.GetUtcNow();
        var grants = await db.Grants.AsNoTracking().Where(g => g.DatasetId == id).OrderByDescending(g => g.ValidUntil)
            .Select(g => new { g.Id, g.GranteeKind, User = g.GranteeUser!.DisplayName, Vo = g.GranteeVo!.Name, g.Purposes, g.ValidFrom, g.ValidUntil, g.RevokedAt, g.K })
            .ToListAsync(ct);
        return grants.Select(g => new GrantChoice(g.Id,
            g.GranteeKind == GranteeKind.Person ? g.User ?? "a person" : $"{g.Vo} ({g.GranteeKind})",
            [.. g.Purposes.Select(p => p.ToString())], g.ValidUntil, g.RevokedAt is null && g.ValidFrom <= now && now < g.ValidUntil, g.K)).ToList();
    }

    /// <summary>The page names a steward by e-mail address; the API by user id. Only an active portal user qualifies.</summary>
    public async Task<Outcome<StewardView>> AddStewardByEmailAsync(Caller caller, Guid id, string? email, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var address = email?.Trim() ?? "";
        if (address.Length == 0)
        {
            return Failure.Invalid("email", "Enter the steward's e-mail address.");
        }
        await using (var db = await dbs.CreateDbContextAsync(ct))
        {
            var me = await ManagedAsync(db, caller, id, Need.Own, "change its stewards", lockRow: false, ct);
            if (me.Failure is { } denied)
            {
                return denied;
            }
#pragma warning disable CA1862 // EF translates ToLower() to SQL lower().
            var lowered = address.ToLowerInvariant();
            var user = await db.Users.AsNoTracking().Where(u => u.Email != null && u.Email.ToLower() == lowered).Select(u => (Guid?)u.Id).FirstOrDefaultAsync(ct);
#pragma warning restore CA1862
            if (user is null)
            {
                return Failure.Invalid("email", $"No user of this portal has the address {address}; they must sign in once first.");
            }
            return await AddStewardAsync(caller, id, user, ct);
        }
    }

    /// <summary>The VOs the caller is a live member of, to share into.</summary>
    public async Task<Outcome<IReadOnlyList<ShareView>>> ShareTargetsAsync(Caller caller, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        await using var db = await dbs.CreateDbContextAsync(ct);
        var me = await VoAccess.CallerAsync(db, caller, ct);
        if (me.Failure is { } denied)
        {
            return denied;
        }
        var now = time.GetUtcNow();
        var myId = me.Value!.Id;
        return await db.Memberships.AsNoTracking().Where(Membership.ActiveAt(now))
            .Where(m => m.UserId == myId && m.Vo!.ArchivedAt == null)
            .OrderBy(m => m.Vo!.Name).Select(m => new ShareView(m.VoId, m.Vo!.Name, m.CreatedAt)).ToListAsync(ct);
    }
}

public sealed record GrantChoice(Guid Id, string Grantee, IReadOnlyList<string> Purposes, DateTimeOffset ValidUntil, bool Live, int K);
