using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Portal.Features.VirtualOrganizations.Organizations;

/// <summary>A VO's details: for its members (live, expired or asking to join), and for anyone when it is open.</summary>
public static class GetVo
{
    internal static RouteHandlerBuilder Map(RouteGroupBuilder vos) =>
        vos.MapGet("/{id:guid}", Endpoint).WithName("GetVo").WithSummary("A VO, for its members, or for anyone when it is open.");

    private static async Task<Results<Ok<VoView>, ProblemHttpResult>> Endpoint(
        Guid id, Caller caller, [AsParameters] VoServices services, CancellationToken ct)
    {
        var o = await HandleAsync(services, caller, id, ct);
        return o.Failure is { } f ? f.ToProblem() : TypedResults.Ok(o.Value);
    }

    public static async Task<Outcome<VoView>> HandleAsync(VoServices services, Caller caller, Guid voId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(caller);
        await using var db = await services.Dbs.CreateDbContextAsync(ct);
        var me = await VoAccess.CallerAsync(db, caller, ct);
        if (me.Failure is { } denied)
        {
            return denied;
        }
        var page = await VoQueries.PageAsync(db.VirtualOrganizations.AsNoTracking().Where(v => v.Id == voId && v.ArchivedAt == null),
            me.Value!.Id, new Paging(1, 1), services.Time.GetUtcNow(), ct);
        if (page.Items is not [var vo])
        {
            return VoRules.NoSuchVo;
        }
        var visible = vo.JoinPolicy == nameof(VoJoinPolicy.OpenWithApproval) || vo.MyStatus is MembershipState.Active or MembershipState.Expired
            || vo.MyStatus == nameof(MembershipStatus.Pending);
        return visible
            ? vo
            : Failure.Forbidden("vo.organization.members_only", $"Only members of \"{vo.Name}\" see it; it accepts members by invitation.");
    }
}
