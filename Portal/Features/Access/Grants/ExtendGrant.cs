using Microsoft.AspNetCore.Http.HttpResults;

namespace Portal.Features.Access.Grants;

/// <summary>The owner or a steward moves a grant's end later; a revoked or ended grant is not revived.</summary>
public static class ExtendGrant
{
    public sealed record Input(DateTimeOffset? ValidUntil);

    internal static RouteHandlerBuilder Map(RouteGroupBuilder grants) =>
        grants.MapPost("/{id:guid}/extend", Endpoint).WithName("ExtendGrant").WithSummary("Owners and stewards: move the grant's end later.");

    private static async Task<Results<Ok<GrantView>, ProblemHttpResult>> Endpoint(
        Guid id, Input? input, Caller caller, [AsParameters] AccessServices services, CancellationToken ct) =>
        (await HandleAsync(services, caller, id, input ?? new Input(null), ct)).OkOr();

    public static async Task<Outcome<GrantView>> HandleAsync(AccessServices services, Caller caller, Guid grantId, Input input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(input);
        await using var db = await services.Dbs.CreateDbContextAsync(ct);
        var managed = await GrantViews.ManagedAsync(db, caller, grantId, "extend its grants", ct);
        if (managed.Failure is { } denied)
        {
            return denied;
        }
        var (grant, me, dataset) = managed.Value;
        var now = services.Time.GetUtcNow();
        if (GrantExtension.Apply(grant, input.ValidUntil, now) is { } refused)
        {
            return refused;
        }
        var old = db.Entry(grant).Property(g => g.ValidUntil).OriginalValue;
        services.Audit.Add(db, "grant.extended", AuditOutcome.Success, caller.Actor, voId: grant.GranteeVoId, datasetId: grant.DatasetId, grantId: grant.Id,
            details: new { from = old, to = grant.ValidUntil });
        await GrantViews.NotifyCoveredAsync(services, db, grant, now, "grant.extended", $"Your access to {dataset.Name} now ends on {grant.ValidUntil:yyyy-MM-dd}",
            $"{me.DisplayName} extended your access to \"{dataset.Name}\" until {grant.ValidUntil:yyyy-MM-dd HH:mm} UTC.", ct);
        if (await GrantViews.SaveAsync(db, ct) is { } conflict)
        {
            return conflict;
        }
        await services.ApplyToPolicyAsync(grant.Id, ct);
        services.Notifications.WakeDelivery();
        return await GrantViews.ViewAsync(services, grant.Id, ct);
    }
}
