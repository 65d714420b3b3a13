using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Portal.Features.Audit;

/// <summary>Audit events the caller may read, newest first, filtered and paginated.</summary>
public static class SearchAudit
{
    internal static RouteHandlerBuilder Map(RouteGroupBuilder audit) =>
        audit.MapGet("/", Endpoint).WithName("SearchAudit").WithSummary("Audit events you may read, newest first, filtered and paginated.");

    private static async Task<Results<Ok<PageOf<AuditEventView>>, ProblemHttpResult>> Endpoint(
        DateTimeOffset? from, DateTimeOffset? to, Guid? actor, Guid? vo, Guid? dataset, string? type, string? outcome, int? page, int? pageSize,
        Caller caller, [AsParameters] AuditServices services, CancellationToken ct)
    {
        var filter = AuditReview.Filter(from, to, actor, vo, dataset, type, outcome);
        if (filter.Failure is { } bad)
        {
            return bad.ToProblem();
        }
        var paging = Paging.From(page, pageSize);
        if (paging.Failure is { } badPage)
        {
            return badPage.ToProblem();
        }
        var result = await HandleAsync(services, caller, filter.Value!, paging.Value, ct);
        return result.Failure is { } f ? f.ToProblem() : TypedResults.Ok(result.Value);
    }

    public static async Task<Outcome<PageOf<AuditEventView>>> HandleAsync(
        AuditServices services, Caller caller, AuditFilter filter, Paging paging, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(caller);
        await using var db = await services.Dbs.CreateDbContextAsync(ct);
        var scoped = await AuditReview.ScopeAsync(db, caller.Principal, ct);
        if (scoped.Failure is { } failure)
        {
            return failure;
        }
        var query = AuditReview.Apply(scoped.Value!, filter);
        var total = await query.CountAsync(ct);
        var items = await query.OrderByDescending(e => e.Id).Skip(paging.Skip).Take(paging.PageSize).ToListAsync(ct);
        return new PageOf<AuditEventView>([.. items.Select(AuditReview.View)], paging.Page, paging.PageSize, total);
    }
}
