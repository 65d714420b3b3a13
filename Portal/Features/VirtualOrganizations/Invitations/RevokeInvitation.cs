using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Portal.Features.VirtualOrganizations.Invitations;

/// <summary>Admins revoke an unused invitation; revoking twice is harmless, a used one cannot be revoked.</summary>
public static class RevokeInvitation
{
    public sealed record Input(Guid VoId, Guid InvitationId);

    internal static RouteHandlerBuilder Map(RouteGroupBuilder vos) =>
        vos.MapDelete("/{id:guid}/invitations/{invitationId:guid}", Endpoint).WithName("RevokeVoInvitation").WithSummary("Admins: revoke an invitation.");

    private static async Task<Results<NoContent, ProblemHttpResult>> Endpoint(
        Guid id, Guid invitationId, Caller caller, [AsParameters] VoServices services, CancellationToken ct)
    {
        var o = await HandleAsync(services, caller, new Input(id, invitationId), ct);
        return o.Failure is { } f ? f.ToProblem() : TypedResults.NoContent();
    }

    public static async Task<Outcome<Done>> HandleAsync(VoServices services, Caller caller, Input input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(input);
        await using var db = await services.Dbs.CreateDbContextAsync(ct);
        var now = services.Time.GetUtcNow();
        var admin = await VoRules.AdminAsync(db, caller, input.VoId, now, "revoke invitations", ct);
        if (admin.Failure is { } denied)
        {
            return denied;
        }
        var invitation = await db.Invitations.SingleOrDefaultAsync(i => i.Id == input.InvitationId && i.VoId == input.VoId, ct);
        if (invitation is null)
        {
            return Failure.NotFound("vo.invitation.not_found", "No such invitation in this VO.");
        }
        if (invitation.AcceptedAt is not null)
        {
            return Failure.Conflict("vo.invitation.already_accepted", "invitationId", "This invitation was already used; remove the member instead.");
        }
        if (invitation.RevokedAt is not null)
        {
            return default(Done);
        }
        invitation.RevokedAt = now;
        services.Audit.Add(db, "vo.invitation_revoked", AuditOutcome.Success, caller.Actor, voId: input.VoId,
            details: new { invitationId = input.InvitationId, invitation.Email });
        await db.SaveChangesAsync(ct);
        return default(Done);
    }
}
