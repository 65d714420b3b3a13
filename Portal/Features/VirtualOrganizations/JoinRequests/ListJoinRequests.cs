using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Portal.Features.VirtualOrganizations.JoinRequests;

/// <summary>Pending join requests of a VO, oldest first, for its admins.</summary>
public static class ListJoinRequests
{
    internal static RouteHandlerBuilder Map(RouteGroupBuilder vos) =>
        vos.MapGet("/{id:guid}/join-requests", Endpoint).WithName("ListVoJoinRequests").WithSummary("Admins: pending join requests.");

    private static async Task<Results<Ok<IReadOnlyList<JoinRequestView>>, ProblemHttpResult>> Endpoint(
        Guid id, Caller caller, [AsParameters] VoServices services, CancellationToken ct)
    {
        var o = await HandleAsync(services, caller, id, ct);
        return o.Failure is { } f ? f.ToProblem() : TypedResults.Ok(o.Value);
    }

    public static async Task<Outcome<IReadOnlyList<JoinRequestView>>> HandleAsync(VoServices services, Caller caller, Guid voId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(caller);
        await using var db = await services.Dbs.CreateDbContextAsync(ct);
        var admin = await VoRules.AdminAsync(db, caller, voId, services.Time.GetUtcNow(), "see its join requests", ct);
        if (admin.Failure is { } denied)
        {
            return denied;
        }
        return await db.Memberships.AsNoTracking()
            .Where(m => m.VoId == voId && m.Status == MembershipStatus.Pending)
            .OrderBy(m => m.CreatedAt)
            .Select(m => new JoinRequestView(m.UserId, m.User!.DisplayName, m.User.Email, m.User.Institution!.Name, m.RequestMessage, m.CreatedAt))
            .ToListAsync(ct);
    }
}
