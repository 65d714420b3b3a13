using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Portal.Features.Access.Requests;

/// <summary>A researcher asks for more time on their personal grant. Approval (ApproveRequest) moves the grant's end.</summary>
public static class RequestExtension
{
    /// <summary>More time on a grant: the new end, why, and the terms accepted again.</summary>
    public sealed record Input(DateTimeOffset? Until, string? Description, bool? AcceptTerms, int? TermsVersion);

    internal static RouteHandlerBuilder Map(RouteGroupBuilder grants) =>
        grants.MapPost("/{id:guid}/extension-requests", Endpoint).WithName("RequestGrantExtension")
            .WithSummary("The grantee asks for more time on a personal grant (until, description, accepted terms version).");

    private static async Task<Results<Created<RequestView>, ProblemHttpResult>> Endpoint(
        Guid id, Input? input, Caller caller, [AsParameters] AccessServices services, CancellationToken ct) =>
        (await HandleAsync(services, caller, id, input ?? new Input(null, null, null, null), ct)).CreatedOr(v => $"/api/access-requests/{v.Id}");

    public static async Task<Outcome<RequestView>> HandleAsync(AccessServices services, Caller caller, Guid grantId, Input input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(input);
        await using var db = await services.Dbs.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var me = await caller.ResolveAsync(db, ct);
        if (me.Failure is { } denied)
        {
            return denied;
        }
        var grant = await db.Grants.AsNoTracking().Include(g => g.Dataset).SingleOrDefaultAsync(g => g.Id == grantId && g.GranteeUserId == me.Value!.Id, ct);
        if (grant is null)
        {
            return Failure.NotFound("access.extension.grant_not_found",
                "You have no such personal grant (extensions of VO-wide grants are the owner's decision).");
        }
        var dataset = grant.Dataset!;
        var now = services.Time.GetUtcNow();
        if (Check(grant, input, now) is { } invalid)
        {
            return invalid;
        }
        await DatasetManagers.LockAsync(db, dataset.Id, ct);
        if (await db.AccessRequests.AnyAsync(r => r.ExtendsGrantId == grantId && r.Status == AccessRequestStatus.Pending, ct))
        {
            return Failure.Conflict("access.extension.duplicate_pending", "grantId", "An extension of this grant is already waiting for a decision.");
        }
        var original = grant.RequestId is { } rid ? await db.AccessRequests.AsNoTracking().SingleOrDefaultAsync(r => r.Id == rid, ct) : null;
        var first = grant.Purposes[0];
        var until = input.Until!.Value;
        var description = input.Description?.Trim() ?? "";
        var request = new AccessRequest
        {
            Id = Guid.CreateVersion7(now),
            DatasetId = dataset.Id,
            RequesterId = me.Value!.Id,
            VoId = original?.VoId,
            Kind = AccessRequestKind.Extension,
            ExtendsGrantId = grantId,
            Purpose = new Purpose { Code = first.Code, Disease = first.Disease, Commercial = first.Commercial },
            PurposeDescription = description,
            EthicsReference = original?.EthicsReference,
            RequestedFrom = grant.ValidUntil,
            RequestedUntil = until,
            Columns = grant.Columns,
            TermsAcceptedAt = now,
            TermsVersion = dataset.TermsVersion,
            CreatedAt = now,
        };
        db.AccessRequests.Add(request);
        services.Audit.Add(db, "access_request.created", AuditOutcome.Success, caller.Actor, voId: request.VoId, datasetId: dataset.Id, grantId: grantId,
            details: new { requestId = request.Id, kind = "Extension", from = grant.ValidUntil, to = until, request.TermsVersion });
        await RequestRules.NotifyManagersAsync(services, db, dataset, $"{me.Value.DisplayName} asks for more time on {dataset.Name}",
            $"{me.Value.DisplayName} asks to extend their access to \"{dataset.Name}\" from {grant.ValidUntil:yyyy-MM-dd} until {until:yyyy-MM-dd}. {description}", ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        services.Notifications.WakeDelivery();
        return await RequestViews.ViewAsync(services, request.Id, ct);
    }

    private static Failure? Check(Grant grant, Input input, DateTimeOffset now)
    {
        var dataset = grant.Dataset!;
        if (grant.RevokedAt is not null || grant.ValidUntil <= now || dataset.Status != DatasetStatus.Active)
        {
            return Failure.Conflict("access.extension.grant_not_live", "grantId", "The grant is no longer live; ask for access anew.");
        }
        if (TextRules.TooLong(input.Description?.Trim(), TextRules.DescriptionMax, "description") is { } tooLong)
        {
            return tooLong;
        }
        if (input.Until is not { } until)
        {
            return Failure.Invalid("access.period.until_required", "until", "until is required.");
        }
        if (until <= grant.ValidUntil)
        {
            return Failure.Invalid("access.extension.not_later", "until", $"until must come after the grant's current end ({grant.ValidUntil:yyyy-MM-dd HH:mm} UTC).");
        }
        if (until - now > PeriodRules.MaxPeriod)
        {
            return PeriodRules.TooLong("until", "A grant cannot run more than five years from now.");
        }
        return RequestRules.Terms(dataset, input.AcceptTerms, input.TermsVersion);
    }
}
