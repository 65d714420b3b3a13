using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Portal.Features.Access.Grants;

/// <summary>
/// The people who can use the dataset now: person grants, and VO, role and institution grants expanded to the live
/// members they cover, each with the grant it comes from and when it ends for them. Owners and stewards only.
/// </summary>
public static class WhoHasAccess
{
    internal static RouteHandlerBuilder Map(RouteGroupBuilder grants) =>
        grants.MapGet("/datasets/{datasetId:guid}/access", Endpoint).WithName("WhoHasAccess")
            .WithSummary("Owners and stewards: who can use the dataset now, with the grant each comes from and when it ends.");

    private static async Task<Results<Ok<IReadOnlyList<AccessEntry>>, ProblemHttpResult>> Endpoint(
        Guid datasetId, Caller caller, [AsParameters] AccessServices services, CancellationToken ct) =>
        (await HandleAsync(services, caller, datasetId, ct)).OkOr();

    public static async Task<Outcome<IReadOnlyList<AccessEntry>>> HandleAsync(AccessServices services, Caller caller, Guid datasetId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        await using var db = await services.Dbs.CreateDbContextAsync(ct);
        var manager = await DatasetManagers.ManagerAsync(db, caller, datasetId, "see who has access", ct);
        if (manager.Failure is { } denied)
        {
            return denied;
        }
        var now = services.Time.GetUtcNow();
        var grants = await GrantViews.WithNames(db).Where(g => g.DatasetId == datasetId).LiveAt(now).ToListAsync(ct);
        var coverage = await GrantCoverage.CoverageAsync(db, grants, now, ct);
        return coverage
            .Select(c => new AccessEntry(c.UserId, c.DisplayName, c.Institution, c.Grant.Id, c.Grant.GranteeKind.ToString(), GrantViews.Via(c.Grant), c.Until))
            .OrderBy(e => e.DisplayName, StringComparer.Ordinal).ThenBy(e => e.Until).ToList();
    }
}
