using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Portal.Features.Access.Requests;

/// <summary>One request, for its requester and for the dataset's owner and stewards; nobody else learns it exists.</summary>
public static class GetRequest
{
    internal static RouteHandlerBuilder Map(RouteGroupBuilder group) =>
        group.MapGet("/{id:guid}", Endpoint).WithName("GetAccessRequest")
            .WithSummary("A request and its status, for its requester and the dataset's owner and stewards.");

    private static async Task<Results<Ok<RequestView>, ProblemHttpResult>> Endpoint(
        Guid id, Caller caller, [AsParameters] AccessServices services, CancellationToken ct) =>
        (await HandleAsync(services, caller, id, ct)).OkOr();

    public static async Task<Outcome<RequestView>> HandleAsync(AccessServices services, Caller caller, Guid requestId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        await using var db = await services.Dbs.CreateDbContextAsync(ct);
        var me = await caller.ResolveAsync(db, ct);
        if (me.Failure is { } denied)
        {
            return denied;
        }
        var request = await db.AccessRequests.AsNoTracking().SingleOrDefaultAsync(r => r.Id == requestId, ct);
        if (request is null || (request.RequesterId != me.Value!.Id && !await DatasetManagers.IsManagerAsync(db, request.DatasetId, me.Value.Id, ct)))
        {
            return Failure.NotFound("access.request.not_found", "No such request.");
        }
        return await RequestViews.ViewAsync(services, requestId, ct);
    }
}
