using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Portal.Features.VirtualOrganizations.Members;

/// <summary>Members (including expired ones, marked so) for live members; e-mail addresses for admins only.</summary>
public static class ListMembers
{
    internal static RouteHandlerBuilder Map(RouteGroupBuilder vos) =>
        vos.MapGet("/{id:guid}/members", Endpoint).WithName("ListVoMembers").WithSummary("Members, for members; e-mail addresses for admins.");

    private static async Task<Results<Ok<IReadOnlyList<MemberView>>, ProblemHttpResult>> Endpoint(
        Guid id, Caller caller, [AsParameters] VoServices services, CancellationToken ct)
    {
        var o = await HandleAsync(services, caller, id, ct);
        return o.Failure is { } f ? f.ToProblem() : TypedResults.Ok(o.Value);
    }

    public static async Task<Outcome<IReadOnlyList<MemberView>>> HandleAsync(VoServices services, Caller caller, Guid voId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(caller);
        await using var db = await services.Dbs.CreateDbContextAsync(ct);
        var found = await VoRules.CallerAndVoAsync(db, caller, voId, ct);
        if (found.Failure is { } denied)
        {
            return denied;
        }
        var (me, vo) = found.Value;
        var now = services.Time.GetUtcNow();
        var mine = await VoRules.MembershipAsync(db, voId, me.Id, ct);
        if (!VoRules.IsLive(mine, now))
        {
            return Failure.Forbidden("vo.organization.members_only", $"Only members of \"{vo.Name}\" see its members.");
        }
        var admin = mine!.Role == VoRole.Admin;
        var rows = await db.Memberships.AsNoTracking()
            .Where(m => m.VoId == voId && m.Status == MembershipStatus.Active)
            .OrderBy(m => m.User!.DisplayName)
            .Select(m => new { m.UserId, m.User!.DisplayName, m.User.Email, Institution = m.User.Institution!.Name, m.Role, m.Status, m.ActivatedAt, m.ExpiresAt })
            .ToListAsync(ct);
        return rows.Select(r => new MemberView(r.UserId, r.DisplayName, admin ? r.Email : null, r.Institution, r.Role.ToString(),
            MembershipState.Of(r.Status, r.ExpiresAt, now), r.ActivatedAt, r.ExpiresAt)).ToList();
    }
}
