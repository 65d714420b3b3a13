using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Portal.Features.Access.Grants;

/// <summary>Every grant of a dataset, live first, with its status now. Owners and stewards only.</summary>
public static class ListDatasetGrants
{
    internal static RouteHandlerBuilder Map(RouteGroupBuilder grants) =>
        grants.MapGet("/datasets/{datasetId:guid}", Endpoint).WithName("ListDatasetGrants")
            .WithSummary("Owners and stewards: every grant of the dataset, with its status now.");

    private static async Task<Results<Ok<IReadOnlyList<GrantView>>, ProblemHttpResult>> Endpoint(
        Guid datasetId, Caller caller, [AsParameters] AccessServices services, CancellationToken ct) =>
        (await HandleAsync(services, caller, datasetId, ct)).OkOr();

    public static async Task<Outcome<IReadOnlyList<GrantView>>> HandleAsync(AccessServices services, Caller caller, Guid datasetId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        await using var db = await services.Dbs.CreateDbContextAsync(ct);
        var manager = await DatasetManagers.ManagerAsync(db, caller, datasetId, "see its grants", ct);
        if (manager.Failure is { } denied)
        {
            return denied;
        }
        var now = services.Time.GetUtcNow();
        var grants = await GrantViews.WithNames(db).Where(g => g.DatasetId == datasetId).ToListAsync(ct);
        return grants.Select(g => GrantViews.ToView(g, now, g.ValidUntil, null))
            .OrderBy(v => v.Status == GrantStatus.Live ? 0 : v.Status == GrantStatus.Upcoming ? 1 : 2)
            .ThenByDescending(v => v.ValidUntil).ToList();
    }
}
