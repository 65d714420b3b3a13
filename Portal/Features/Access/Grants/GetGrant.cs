using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Portal.Features.Access.Grants;

/// <summary>One grant, for its dataset's owner and stewards and for the people it covers; nobody else learns it exists.</summary>
public static class GetGrant
{
    internal static RouteHandlerBuilder Map(RouteGroupBuilder grants) =>
        grants.MapGet("/{id:guid}", Endpoint).WithName("GetGrant").WithSummary("A grant, for its dataset's owner and stewards and for the people it covers.");

    private static async Task<Results<Ok<GrantView>, ProblemHttpResult>> Endpoint(
        Guid id, Caller caller, [AsParameters] AccessServices services, CancellationToken ct) =>
        (await HandleAsync(services, caller, id, ct)).OkOr();

    public static async Task<Outcome<GrantView>> HandleAsync(AccessServices services, Caller caller, Guid grantId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        await using var db = await services.Dbs.CreateDbContextAsync(ct);
        var me = await caller.ResolveAsync(db, ct);
        if (me.Failure is { } denied)
        {
            return denied;
        }
        var now = services.Time.GetUtcNow();
        var grant = await GrantViews.WithNames(db).SingleOrDefaultAsync(g => g.Id == grantId, ct);
        if (grant is null)
        {
            return GrantViews.NotFound;
        }
        var myId = me.Value!.Id;
        if (!await DatasetManagers.IsManagerAsync(db, grant.DatasetId, myId, ct)
            && grant.GranteeUserId != myId
            && !(await GrantCoverage.CoverageAsync(db, [grant], now, ct)).Any(c => c.UserId == myId))
        {
            return GrantViews.NotFound;
        }
        return GrantViews.ToView(grant, now, grant.ValidUntil, GrantViews.Via(grant));
    }
}
