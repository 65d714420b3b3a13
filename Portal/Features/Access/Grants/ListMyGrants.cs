using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Portal.Features.Access.Grants;

/// <summary>What the caller can use now (or, with includeEnded, ever had): grants to them and to their VOs, roles and institution.</summary>
public static class ListMyGrants
{
    internal static RouteHandlerBuilder Map(RouteGroupBuilder grants) =>
        grants.MapGet("/mine", Endpoint).WithName("ListMyGrants")
            .WithSummary("What the caller can access now, through personal, VO, role and institution grants (?includeEnded=true adds ended and revoked personal grants).");

    private static async Task<Results<Ok<IReadOnlyList<GrantView>>, ProblemHttpResult>> Endpoint(
        bool? includeEnded, Caller caller, [AsParameters] AccessServices services, CancellationToken ct) =>
        (await HandleAsync(services, caller, includeEnded ?? false, ct)).OkOr();

    public static async Task<Outcome<IReadOnlyList<GrantView>>> HandleAsync(AccessServices services, Caller caller, bool includeEnded, CancellationToken ct)
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
        var candidates = GrantViews.WithNames(db).NamingUser(db, myId, now);
        var live = await candidates.LiveAt(now).ToListAsync(ct);
        var mine = (await GrantCoverage.CoverageAsync(db, live, now, ct)).Where(c => c.UserId == myId)
            .Select(c => GrantViews.ToView(c.Grant, now, c.Until, GrantViews.Via(c.Grant))).ToList();
        if (includeEnded)
        {
            var ended = await candidates.Where(g => g.GranteeUserId == myId && (g.RevokedAt != null || g.ValidUntil <= now)).ToListAsync(ct);
            mine.AddRange(ended.Select(g => GrantViews.ToView(g, now, g.ValidUntil, GrantViews.Via(g))));
        }
        return mine.OrderBy(v => v.Status == GrantStatus.Live ? 0 : 1).ThenBy(v => v.EndsAt).ToList();
    }
}
