using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Features.Access.Requests;

namespace Portal.Features.Access.Decisions;

/// <summary>Requests on the datasets the caller owns or stewards (optionally one dataset), pending first, then newest.</summary>
public static class ListRequestInbox
{
    internal static RouteHandlerBuilder Map(RouteGroupBuilder group) =>
        group.MapGet("/inbox", Endpoint).WithName("ListAccessRequestInbox")
            .WithSummary("Owners and stewards: requests on their datasets, pending first (?datasetId=&page=&pageSize=).");

    private static async Task<Results<Ok<PageOf<RequestView>>, ProblemHttpResult>> Endpoint(
        Guid? datasetId, int? page, int? pageSize, Caller caller, [AsParameters] AccessServices services, CancellationToken ct)
    {
        var paging = AccessHttp.Paging(page, pageSize);
        return paging.Failure is { } bad ? bad.ToProblem() : (await HandleAsync(services, caller, datasetId, paging.Value, ct)).OkOr();
    }

    public static async Task<Outcome<PageOf<RequestView>>> HandleAsync(AccessServices services, Caller caller, Guid? datasetId, Paging paging, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        await using var db = await services.Dbs.CreateDbContextAsync(ct);
        var me = await caller.ResolveAsync(db, ct);
        if (me.Failure is { } denied)
        {
            return denied;
        }
        var id = me.Value!.Id;
        if (datasetId is { } one && !await DatasetManagers.IsManagerAsync(db, one, id, ct))
        {
            return Failure.Forbidden("access.decision.not_manager", "Only the dataset's owner or a steward sees its requests.");
        }
        var mine = db.AccessRequests.Where(r => r.Dataset!.OwnerId == id || r.Dataset.Stewards.Any(s => s.UserId == id));
        if (datasetId is { } only)
        {
            mine = mine.Where(r => r.DatasetId == only);
        }
        var ordered = mine.OrderBy(r => r.Status == AccessRequestStatus.Pending ? 0 : 1).ThenByDescending(r => r.CreatedAt).ThenBy(r => r.Id);
        return await RequestViews.PageAsync(ordered, mine, paging, ct);
    }
}
