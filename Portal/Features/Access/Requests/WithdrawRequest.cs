using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Portal.Features.Access.Requests;

/// <summary>The requester takes back a pending request.</summary>
public static class WithdrawRequest
{
    internal static RouteHandlerBuilder Map(RouteGroupBuilder group) =>
        group.MapPost("/{id:guid}/withdraw", Endpoint).WithName("WithdrawAccessRequest").WithSummary("The requester withdraws a pending request.");

    private static async Task<Results<Ok<RequestView>, ProblemHttpResult>> Endpoint(
        Guid id, Caller caller, [AsParameters] AccessServices services, CancellationToken ct) =>
        (await HandleAsync(services, caller, id, ct)).OkOr();

    public static async Task<Outcome<RequestView>> HandleAsync(AccessServices services, Caller caller, Guid requestId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        await using var db = await services.Dbs.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var me = await caller.ResolveAsync(db, ct);
        if (me.Failure is { } denied)
        {
            return denied;
        }
        await RequestViews.LockAsync(db, requestId, ct);
        var request = await db.AccessRequests.SingleOrDefaultAsync(r => r.Id == requestId && r.RequesterId == me.Value!.Id, ct);
        if (request is null)
        {
            return Failure.NotFound("access.request.not_found", "You have no such request.");
        }
        if (request.Status != AccessRequestStatus.Pending)
        {
            return Failure.Conflict("access.request.not_pending", "status",
                $"The request is {request.Status.ToString().ToLowerInvariant()}; only a pending request can be withdrawn.");
        }
        request.Status = AccessRequestStatus.Withdrawn;
        services.Audit.Add(db, "access_request.withdrawn", AuditOutcome.Success, caller.Actor, voId: request.VoId, datasetId: request.DatasetId,
            grantId: request.ExtendsGrantId, details: new { requestId });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return await RequestViews.ViewAsync(services, request.Id, ct);
    }
}
