using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Kernel.Access;

/// <summary>Who a grant reaches: the person it names, or the live members of the VO (role, institution) it names.</summary>
public static class GrantCoverage
{
    /// <summary>Who a grant covers now: the person, or the VO's live members (with the role, from the institution).</summary>
    public static async Task<List<Coverage>> CoverageAsync(PortalDb db, IReadOnlyCollection<Grant> grants, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(grants);
        var voIds = grants.Where(g => g.GranteeVoId is not null).Select(g => g.GranteeVoId!.Value).Distinct().ToList();
        var personIds = grants.Where(g => g.GranteeKind == GranteeKind.Person).Select(g => g.GranteeUserId!.Value).Distinct().ToList();
        var members = await db.Memberships.AsNoTracking().Where(Membership.ActiveAt(now))
            .Where(m => voIds.Contains(m.VoId) && !m.User!.Suspended)
            .Select(m => new { m.VoId, m.UserId, m.Role, m.ExpiresAt, m.User!.DisplayName, m.User.InstitutionId, Institution = m.User.Institution!.Name })
            .ToListAsync(ct);
        var people = await db.Users.AsNoTracking().Where(u => personIds.Contains(u.Id) && !u.Suspended)
            .Select(u => new { u.Id, u.DisplayName, Institution = u.Institution!.Name })
            .ToDictionaryAsync(u => u.Id, ct);
        var result = new List<Coverage>();
        foreach (var g in grants)
        {
            if (g.GranteeKind == GranteeKind.Person)
            {
                if (people.TryGetValue(g.GranteeUserId!.Value, out var p))
                {
                    result.Add(new Coverage(g, p.Id, p.DisplayName, p.Institution, g.ValidUntil));
                }
                continue;
            }
            foreach (var m in members.Where(m => m.VoId == g.GranteeVoId
                && (g.GranteeKind != GranteeKind.VoRole || m.Role == g.GranteeRole)
                && (g.GranteeKind != GranteeKind.VoInstitution || m.InstitutionId == g.GranteeInstitutionId)))
            {
                var until = m.ExpiresAt is { } e && e < g.ValidUntil ? e : g.ValidUntil;
                result.Add(new Coverage(g, m.UserId, m.DisplayName, m.Institution, until));
            }
        }
        return result;
    }

    public static IQueryable<Grant> LiveAt(this IQueryable<Grant> grants, DateTimeOffset now) =>
        grants.Where(g => g.RevokedAt == null && g.ValidFrom <= now && g.ValidUntil > now);

    /// <summary>Grants that may cover the user: theirs, or their live VOs' (filtered by role and institution later).</summary>
    public static IQueryable<Grant> NamingUser(this IQueryable<Grant> grants, PortalDb db, Guid userId, DateTimeOffset now)
    {
        var myVos = db.Memberships.Where(Membership.ActiveAt(now)).Where(m => m.UserId == userId)
            .Select(m => m.VoId);
        return grants.Where(g => g.GranteeUserId == userId || (g.GranteeVoId != null && myVos.Contains(g.GranteeVoId.Value)));
    }
}

/// <summary>One person a grant covers now, and until when (the grant's end, or their membership's if sooner).</summary>
public sealed record Coverage(Grant Grant, Guid UserId, string DisplayName, string? Institution, DateTimeOffset Until);
