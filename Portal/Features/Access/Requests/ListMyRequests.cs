using Microsoft.AspNetCore.Http.HttpResults;

namespace Portal.Features.Access.Requests;

/// <summary>The caller's own requests, newest first.</summary>
public static class ListMyRequests
{
    internal static RouteHandlerBuilder Map(RouteGroupBuilder group) =>
        group.MapGet("/", Endpoint).WithName("ListMyAccessRequests").WithSummary("The caller's requests, newest first (?page=&pageSize=).");

    private static async Task<Results<Ok<PageOf<RequestView>>, ProblemHttpResult>> Endpoint(
        int? page, int? pageSize, Caller caller, [AsParameters] AccessServices services, CancellationToken ct)
    {
        var paging = AccessHttp.Paging(page, pageSize);
        return paging.Failure is { } bad ? bad.ToProblem() : (await HandleAsync(services, caller, paging.Value, ct)).OkOr();
    }

    public static async Task<Outcome<PageOf<RequestView>>> HandleAsync(AccessServices services, Caller caller, Paging paging, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        await using var db = await services.Dbs.CreateDbContextAsync(ct);
        var me = await caller.ResolveAsync(db, ct);
        if (me.Failure is { } denied)
        {
            return denied;
        }
        var mine = db.AccessRequests.Where(r => r.RequesterId == me.Value!.Id);
        return await RequestViews.PageAsync(mine.OrderByDescending(r => r.CreatedAt).ThenBy(r => r.Id), mine, paging, ct);
    }
}
