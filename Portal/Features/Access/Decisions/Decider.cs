using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Access.Requests;

namespace Portal.Features.Access.Decisions;

/// <summary>Who may decide a request: the owner or a steward of an active dataset, on a pending request.</summary>
public static class Decider
{
    private static readonly Failure NotFound = Failure.NotFound("access.request.not_found", "No such request.");

    /// <summary>The decider and the pending request, locked for the decision. Someone unrelated learns nothing.</summary>
    public static async Task<Outcome<(User Me, Dataset Dataset, AccessRequest Request)>> ResolveAsync(
        PortalDb db, Caller caller, Guid requestId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var me = await caller.ResolveAsync(db, ct);
        if (me.Failure is { } denied)
        {
            return denied;
        }
        await RequestViews.LockAsync(db, requestId, ct);
        var request = await db.AccessRequests.SingleOrDefaultAsync(r => r.Id == requestId, ct);
        if (request is null)
        {
            return NotFound;
        }
        var dataset = await db.Datasets.SingleAsync(d => d.Id == request.DatasetId, ct);
        if (!await DatasetManagers.IsManagerAsync(db, dataset.Id, me.Value!.Id, ct))
        {
            return request.RequesterId == me.Value.Id
                ? Failure.Forbidden("access.decision.not_manager", $"Only the owner or a steward of \"{dataset.Name}\" decides requests for it.")
                : NotFound;
        }
        if (request.Status != AccessRequestStatus.Pending)
        {
            return Failure.Conflict("access.request.not_pending", "status", $"The request is already {request.Status.ToString().ToLowerInvariant()}.");
        }
        if (dataset.Status != DatasetStatus.Active)
        {
            return Failure.Conflict("access.decision.dataset_inactive", "datasetId", $"\"{dataset.Name}\" is not active; its requests cannot be approved.");
        }
        return (me.Value, dataset, request);
    }
}
