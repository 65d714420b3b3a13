using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Access.Grants;
using Portal.Features.Access.Requests;
using Portal.Features.Notifications;

namespace Portal.Features.Access.Decisions;

/// <summary>
/// The owner or a steward approves as asked, or narrower (a shorter period, fewer columns, fewer purposes), never
/// wider. Creates the grant (or, for an extension, moves the grant's end); in this instance's engine before the answer.
/// </summary>
public static class ApproveRequest
{
    /// <summary>An approval, optionally narrower than asked: a shorter period inside the requested one, fewer columns, fewer purposes.</summary>
    public sealed record Input(DateTimeOffset? ValidFrom, DateTimeOffset? ValidUntil, IReadOnlyList<string>? Columns, IReadOnlyList<string>? Purposes);

    internal static RouteHandlerBuilder Map(RouteGroupBuilder group) =>
        group.MapPost("/{id:guid}/approve", Endpoint).WithName("ApproveAccessRequest")
            .WithSummary("Owners and stewards: approve as asked or narrower (validFrom, validUntil, columns, purposes), creating or extending the grant.");

    private static async Task<Results<Ok<RequestView>, ProblemHttpResult>> Endpoint(
        Guid id, Input? input, Caller caller, [AsParameters] AccessServices services, CancellationToken ct) =>
        (await HandleAsync(services, caller, id, input ?? new Input(null, null, null, null), ct)).OkOr();

    public static async Task<Outcome<RequestView>> HandleAsync(AccessServices services, Caller caller, Guid requestId, Input input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(input);
        await using var db = await services.Dbs.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var decider = await Decider.ResolveAsync(db, caller, requestId, ct);
        if (decider.Failure is { } denied)
        {
            return denied;
        }
        var (me, dataset, request) = decider.Value;
        var now = services.Time.GetUtcNow();
        var granted = request.Kind == AccessRequestKind.Extension
            ? await ExtendAsync(services, db, caller, request, input, now, ct)
            : Create(services, db, caller, me, dataset, request, input, now);
        if (granted.Failure is { } refused)
        {
            return refused;
        }
        var grant = granted.Value!;
        request.Status = AccessRequestStatus.Approved;
        request.DecidedAt = now;
        request.DecidedById = me.Id;
        request.GrantId = grant.Id;
        services.Audit.Add(db, "access_request.approved", AuditOutcome.Success, caller.Actor, voId: request.VoId, datasetId: dataset.Id, grantId: grant.Id,
            details: new { requestId, grant.ValidFrom, grant.ValidUntil, grant.Columns, purposes = grant.Purposes.Select(p => p.ToString()) });
        services.Notifications.Notify(db, Recipient.User(request.RequesterId), "access_request.approved",
            request.Kind == AccessRequestKind.Extension ? $"Your access to {dataset.Name} was extended" : $"Your request for {dataset.Name} was approved",
            $"{me.DisplayName} approved your request: access to \"{dataset.Name}\" for {string.Join(", ", grant.Purposes)} from {grant.ValidFrom:yyyy-MM-dd HH:mm} until {grant.ValidUntil:yyyy-MM-dd HH:mm} UTC.",
            GrantLinks.MyGrants);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Failure.Conflict("access.grant.concurrent_change", "grantId", "The grant changed at the same time; reload and decide again.");
        }
        await tx.CommitAsync(ct);
        await services.ApplyToPolicyAsync(grant.Id, ct);
        services.Notifications.WakeDelivery();
        return await RequestViews.ViewAsync(services, request.Id, ct);
    }

    /// <summary>An extension request moves its grant's end: to the requested end, or an earlier one.</summary>
    private static async Task<Outcome<Grant>> ExtendAsync(
        AccessServices services, PortalDb db, Caller caller, AccessRequest request, Input input, DateTimeOffset now, CancellationToken ct)
    {
        var grant = await db.Grants.SingleAsync(g => g.Id == request.ExtendsGrantId, ct);
        var until = input.ValidUntil ?? request.RequestedUntil;
        if (until > request.RequestedUntil)
        {
            return LaterThanAsked(request);
        }
        var old = grant.ValidUntil;
        if (GrantExtension.Apply(grant, until, now) is { } refused)
        {
            return refused;
        }
        services.Audit.Add(db, "grant.extended", AuditOutcome.Success, caller.Actor, voId: grant.GranteeVoId, datasetId: grant.DatasetId, grantId: grant.Id,
            details: new { from = old, to = grant.ValidUntil, requestId = request.Id });
        return grant;
    }

    private static Outcome<Grant> Create(
        AccessServices services, PortalDb db, Caller caller, User me, Dataset dataset, AccessRequest request, Input input, DateTimeOffset now)
    {
        var built = Narrower(dataset, request, input, now);
        if (built.Failure is { } bad)
        {
            return bad;
        }
        var grant = built.Value!;
        grant.Id = Guid.CreateVersion7(now);
        grant.CreatedById = me.Id;
        grant.CreatedAt = now;
        db.Grants.Add(grant);
        services.Audit.Add(db, "grant.created", AuditOutcome.Success, caller.Actor, voId: request.VoId, datasetId: dataset.Id, grantId: grant.Id,
            details: new
            {
                granteeKind = grant.GranteeKind.ToString(),
                grant.GranteeUserId,
                purposes = grant.Purposes.Select(p => p.ToString()),
                grant.Columns,
                grant.ValidFrom,
                grant.ValidUntil,
                requestId = request.Id,
            });
        return grant;
    }

    private static Failure LaterThanAsked(AccessRequest request) => Failure.Invalid("access.decision.wider_period", "validUntil",
        $"validUntil may not be later than requested ({request.RequestedUntil:yyyy-MM-dd HH:mm} UTC).");

    /// <summary>The grant an approval creates: what was asked, or less of it. Never more.</summary>
    private static Outcome<Grant> Narrower(Dataset dataset, AccessRequest request, Input input, DateTimeOffset now)
    {
        var from = input.ValidFrom ?? request.RequestedFrom;
        var until = input.ValidUntil ?? request.RequestedUntil;
        if (from < request.RequestedFrom)
        {
            return Failure.Invalid("access.decision.wider_period", "validFrom",
                $"validFrom may not be earlier than requested ({request.RequestedFrom:yyyy-MM-dd HH:mm} UTC).");
        }
        if (until > request.RequestedUntil)
        {
            return LaterThanAsked(request);
        }
        if (PeriodRules.Check(from, until, now, "validFrom", "validUntil", fromMayBePast: true) is { } badPeriod)
        {
            return badPeriod;
        }
        var columns = ColumnRules.Check(dataset, input.Columns ?? request.Columns, "columns");
        if (columns.Failure is { } badColumns)
        {
            return badColumns;
        }
        if (input.Columns is not null && request.Columns is not null && columns.Value!.Any(c => !request.Columns.Contains(c)))
        {
            return Failure.Invalid("access.decision.wider_columns", "columns", "columns may only leave out columns that were asked for, not add others.");
        }
        var purposes = new List<Purpose>();
        foreach (var text in input.Purposes ?? [request.Purpose.ToString()])
        {
            var parsed = PurposeRules.Parse(text, request.Purpose.Commercial, "purposes");
            if (parsed.Failure is { } badPurpose)
            {
                return badPurpose;
            }
            var p = parsed.Value!;
            if (p.Code != request.Purpose.Code || !string.Equals(p.Disease, request.Purpose.Disease, StringComparison.OrdinalIgnoreCase))
            {
                return Failure.Invalid("access.decision.other_purpose", "purposes", $"{p} was not asked for; approve {request.Purpose} or deny.");
            }
            if (purposes.All(x => x.ToString() != p.ToString()))
            {
                purposes.Add(p);
            }
        }
        if (purposes.Count == 0)
        {
            return Failure.Invalid("access.decision.no_purpose", "purposes", "purposes is empty; deny the request instead.");
        }
        return new Grant
        {
            DatasetId = dataset.Id,
            GranteeKind = GranteeKind.Person,
            GranteeUserId = request.RequesterId,
            Purposes = purposes,
            Columns = columns.Value,
            ProfileVersion = dataset.ProfileVersion,
            K = dataset.DefaultK,
            ValidFrom = from,
            ValidUntil = until,
            RequestId = request.Id,
        };
    }
}
