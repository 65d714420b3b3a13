using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Portal.Features.VirtualOrganizations.Invitations;

/// <summary>Invitations of a VO that were neither used nor revoked (expired ones included, marked so), for admins.</summary>
public static class ListInvitations
{
    internal static RouteHandlerBuilder Map(RouteGroupBuilder vos) =>
        vos.MapGet("/{id:guid}/invitations", Endpoint).WithName("ListVoInvitations").WithSummary("Admins: unused, unrevoked invitations.");

    private static async Task<Results<Ok<IReadOnlyList<InvitationView>>, ProblemHttpResult>> Endpoint(
        Guid id, Caller caller, [AsParameters] VoServices services, CancellationToken ct)
    {
        var o = await HandleAsync(services, caller, id, ct);
        return o.Failure is { } f ? f.ToProblem() : TypedResults.Ok(o.Value);
    }

    public static async Task<Outcome<IReadOnlyList<InvitationView>>> HandleAsync(VoServices services, Caller caller, Guid voId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(caller);
        await using var db = await services.Dbs.CreateDbContextAsync(ct);
        var now = services.Time.GetUtcNow();
        var admin = await VoRules.AdminAsync(db, caller, voId, now, "see its invitations", ct);
        if (admin.Failure is { } denied)
        {
            return denied;
        }
        var rows = await db.Invitations.AsNoTracking()
            .Where(i => i.VoId == voId && i.AcceptedAt == null && i.RevokedAt == null)
            .OrderByDescending(i => i.CreatedAt)
            .Join(db.Users, i => i.InvitedById, u => u.Id, (i, u) => new { Invitation = i, u.DisplayName })
            .ToListAsync(ct);
        return rows.Select(r => InvitationViews.Of(r.Invitation, r.DisplayName, now)).ToList();
    }
}
