using Microsoft.AspNetCore.Http.HttpResults;

namespace Portal.Features.Access.Grants;

/// <summary>Ends a grant at once, with a reason. In force on this instance before the answer, on the others within milliseconds.</summary>
public static class RevokeGrant
{
    public sealed record Input(string? Reason);

    internal static RouteHandlerBuilder Map(RouteGroupBuilder grants) =>
        grants.MapPost("/{id:guid}/revoke", Endpoint).WithName("RevokeGrant")
            .WithSummary("Owners and stewards: end the grant now, with a reason; in force before the answer.");

    private static async Task<Results<Ok<GrantView>, ProblemHttpResult>> Endpoint(
        Guid id, Input? input, Caller caller, [AsParameters] AccessServices services, CancellationToken ct) =>
        (await HandleAsync(services, caller, id, input ?? new Input(null), ct)).OkOr();

    public static async Task<Outcome<GrantView>> HandleAsync(AccessServices services, Caller caller, Guid grantId, Input input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(input);
        var why = TextRules.Reason(input.Reason, "the grantees are told");
        if (why.Failure is { } invalid)
        {
            return invalid;
        }
        var reason = why.Value!;
        await using var db = await services.Dbs.CreateDbContextAsync(ct);
        var managed = await GrantViews.ManagedAsync(db, caller, grantId, "revoke its grants", ct);
        if (managed.Failure is { } denied)
        {
            return denied;
        }
        var (grant, me, dataset) = managed.Value;
        if (grant.RevokedAt is not null)
        {
            return Failure.Conflict("access.grant.already_revoked", "grantId", "The grant is already revoked.");
        }
        var now = services.Time.GetUtcNow();
        // Whoever it covered before the revocation is told, so expand first.
        await GrantViews.NotifyCoveredAsync(services, db, grant, now, "grant.revoked", $"Your access to {dataset.Name} was revoked",
            $"{me.DisplayName} revoked your access to \"{dataset.Name}\". Reason: {reason}", ct);
        grant.RevokedAt = now;
        grant.RevokedById = me.Id;
        grant.RevocationReason = reason;
        services.Audit.Add(db, "grant.revoked", AuditOutcome.Success, caller.Actor, voId: grant.GranteeVoId, datasetId: grant.DatasetId, grantId: grant.Id,
            reason: reason);
        if (await GrantViews.SaveAsync(db, ct) is { } conflict)
        {
            return conflict;
        }
        await services.ApplyToPolicyAsync(grant.Id, ct);
        services.Notifications.WakeDelivery();
        return await GrantViews.ViewAsync(services, grant.Id, ct);
    }
}
