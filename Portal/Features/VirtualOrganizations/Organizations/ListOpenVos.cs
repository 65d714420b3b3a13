using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Portal.Features.VirtualOrganizations.Organizations;

/// <summary>VOs anyone may ask to join, for discovery.</summary>
public static class ListOpenVos
{
    internal static RouteHandlerBuilder Map(RouteGroupBuilder vos) =>
        vos.MapGet("/open", Endpoint).WithName("ListOpenVos").WithSummary("VOs that accept join requests (?page=&pageSize=).");

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
        var vos = db.VirtualOrganizations.AsNoTracking().Where(v => v.ArchivedAt == null && v.JoinPolicy == VoJoinPolicy.OpenWithApproval);
        return await VoQueries.PageAsync(vos, me.Value!.Id, paging, services.Time.GetUtcNow(), ct);
    }
}
