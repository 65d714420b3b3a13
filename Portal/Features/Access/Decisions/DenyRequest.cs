using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Features.Access.Requests;
using Portal.Features.Notifications;

namespace Portal.Features.Access.Decisions;

/// <summary>The owner or a steward denies a pending request, with a reason the researcher reads.</summary>
public static class DenyRequest
{
    public sealed record Input(string? Reason);

    internal static RouteHandlerBuilder Map(RouteGroupBuilder group) =>
        group.MapPost("/{id:guid}/deny", Endpoint).WithName("DenyAccessRequest").WithSummary("Owners and stewards: deny with a reason.");

    private static async Task<Results<Ok<RequestView>, ProblemHttpResult>> Endpoint(
        Guid id, Input? input, Caller caller, [AsParameters] AccessServices services, CancellationToken ct) =>
        (await HandleAsync(services, caller, id, input ?? new Input(null), ct)).OkOr();

    public static async Task<Outcome<RequestView>> HandleAsync(AccessServices services, Caller caller, Guid requestId, Input input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(input);
        var why = TextRules.Reason(input.Reason, "the researcher is told");
        if (why.Failure is { } invalid)
        {
            return invalid;
        }
        var reason = why.Value!;
        await using var db = await services.Dbs.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var decider = await Decider.ResolveAsync(db, caller, requestId, ct);
        if (decider.Failure is { } denied)
        {
            return denied;
        }
        var (me, dataset, request) = decider.Value;
        request.Status = AccessRequestStatus.Denied;
        request.DecidedAt = services.Time.GetUtcNow();
        request.DecidedById = me.Id;
        request.DecisionReason = reason;
        services.Audit.Add(db, "access_request.denied", AuditOutcome.Success, caller.Actor, voId: request.VoId, datasetId: dataset.Id,
            grantId: request.ExtendsGrantId, reason: reason, details: new { requestId });
        services.Notifications.Notify(db, Recipient.User(request.RequesterId), "access_request.denied", $"Your request for {dataset.Name} was denied",
            $"{me.DisplayName} denied your request for \"{dataset.Name}\". Reason: {reason}", GrantLinks.MyRequests);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        services.Notifications.WakeDelivery();
        return await RequestViews.ViewAsync(services, request.Id, ct);
    }
}
