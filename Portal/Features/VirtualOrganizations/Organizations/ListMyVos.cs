using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Portal.Features.VirtualOrganizations.Organizations;

/// <summary>The caller's VOs: live, expired and asked-to-join memberships, by name.</summary>
public static class ListMyVos
{
    internal static RouteHandlerBuilder Map(RouteGroupBuilder vos) =>
        vos.MapGet("/", Endpoint).WithName("ListMyVos").WithSummary("The caller's VOs (?page=&pageSize=), with the total.");

    private static async Task<Results<Ok<PageOf<VoView>>, ProblemHttpResult>> Endpoint(
        int? page, int? pageSize, Caller caller, [AsParameters] VoServices services, CancellationToken ct)
    {
        var paging = Paging.From(page, pageSize);
        if (paging.Failure is { } bad)
        {
            return bad.ToProblem();
        }
        var o = await HandleAsync(services, caller, paging.Value, ct);
        return o.Failure is { } f ? f.ToProblem() : TypedResults.Ok(o.Value);
    }

    public static async Task<Outcome<PageOf<VoView>>> HandleAsync(VoServices services, Caller caller, Paging paging, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(caller);
        await using var db = await services.Dbs.CreateDbContextAsync(ct);
        var me = await VoAccess.CallerAsync(db, caller, ct);
        if (me.Failure is { } denied)
        {
            return denied;
        }
        var id = me.Value!.Id;
        var vos = db.VirtualOrganizations.AsNoTracking().Where(v => v.ArchivedAt == null
            && v.Memberships.Any(m => m.UserId == id && (m.Status == MembershipStatus.Active || m.Status == MembershipStatus.Pending)));
        return await VoQueries.PageAsync(vos, id, paging, services.Time.GetUtcNow(), ct);
    }
}
