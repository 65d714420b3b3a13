using Microsoft.EntityFrameworkCore;

namespace Portal.Features.VirtualOrganizations.Organizations;

/// <summary>One page of VOs as the caller sees them (with their own place in each): the lists and the detail share it.</summary>
internal static class VoQueries
{
    public static async Task<PageOf<VoView>> PageAsync(
        IQueryable<VirtualOrganization> vos, Guid me, Paging paging, DateTimeOffset now, CancellationToken ct)
    {
        var total = await vos.CountAsync(ct);
        var live = Membership.ActiveAt(now);
        var rows = await vos.OrderBy(v => v.Name).ThenBy(v => v.Id).Skip(paging.Skip).Take(paging.PageSize)
            .Select(v => new
            {
                v.Id,
                v.Name,
                v.Description,
                v.JoinPolicy,
                v.DefaultMembershipDays,
                v.CreatedAt,
                Members = v.Memberships.AsQueryable().Count(live),
                Mine = v.Memberships.Where(m => m.UserId == me).Select(m => new { m.Role, m.Status, m.ExpiresAt }).FirstOrDefault(),
            })
            .ToListAsync(ct);
        var items = rows.Select(r => new VoView(r.Id, r.Name, r.Description, r.JoinPolicy.ToString(), r.DefaultMembershipDays, r.CreatedAt,
            r.Members,
            r.Mine is { Status: MembershipStatus.Active } ? r.Mine.Role.ToString() : null,
            r.Mine is null ? null : MembershipState.Of(r.Mine.Status, r.Mine.ExpiresAt, now),
            r.Mine?.ExpiresAt)).ToList();
        return new PageOf<VoView>(items, paging.Page, paging.PageSize, total);
    }
}
