using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Features.Notifications;

namespace Portal.Features.VirtualOrganizations.Invitations;

/// <summary>Uses an invitation: the caller becomes a member with the invitation's role and end. Single use.</summary>
public static class AcceptInvitation
{
    public sealed record Body(string? Token);

    internal static RouteHandlerBuilder Map(RouteGroupBuilder api) =>
        api.MapPost("/invitations/accept", Endpoint).WithTags("Virtual organizations").WithName("AcceptVoInvitation")
            .WithSummary("Use an invitation token: expired, revoked or used → 410, unknown → 400, another person's e-mail invitation → 403.");

    private static async Task<Results<Ok<VoView>, ProblemHttpResult>> Endpoint(
        Body? body, Caller caller, [AsParameters] VoServices services, CancellationToken ct)
    {
        var o = await HandleAsync(services, caller, body?.Token, ct);
        return o.Failure is { } f ? f.ToProblem() : TypedResults.Ok(o.Value);
    }

    public static async Task<Outcome<VoView>> HandleAsync(VoServices services, Caller caller, string? token, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(caller);
        await using var db = await services.Dbs.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var me = await VoAccess.CallerAsync(db, caller, ct);
        if (me.Failure is { } denied)
        {
            return denied;
        }
        var now = services.Time.GetUtcNow();
        // FOR UPDATE: two people racing with the same link, one wins and the other finds it used.
        var found = await UsableInvitation.FindAsync(db, token, me.Value!, now, forUpdate: true, ct);
        if (found.Failure is { } f)
        {
            return f;
        }
        var (invitation, vo) = found.Value;
        var user = me.Value!;
        var membership = await VoRules.MembershipAsync(db, vo.Id, user.Id, ct);
        if (VoRules.IsLive(membership, now))
        {
            return Failure.Conflict("vo.invitation.already_member", "token", $"You are already a member of \"{vo.Name}\"; the invitation stays unused.");
        }
        var expiresAt = invitation.MembershipExpiresAt
            ?? (vo.DefaultMembershipDays is { } days ? now.AddDays(days) : null);
        if (membership is null)
        {
            membership = new Membership { Id = Guid.CreateVersion7(now), VoId = vo.Id, UserId = user.Id, CreatedAt = now };
            db.Memberships.Add(membership);
        }
        VoRules.Activate(membership, invitation.Role, expiresAt, now);
        invitation.AcceptedAt = now;
        invitation.AcceptedById = user.Id;
        services.Audit.Add(db, "vo.invitation_accepted", AuditOutcome.Success, caller.Actor, voId: vo.Id,
            details: new { invitationId = invitation.Id, role = invitation.Role.ToString(), expiresAt });
        services.Notifications.Notify(db, Recipient.User(invitation.InvitedById), "vo.invitation_accepted",
            $"{user.DisplayName} joined {vo.Name}",
            $"{user.DisplayName} accepted your invitation and is now {InvitationViews.Lower(invitation.Role)} of \"{vo.Name}\".", VoLinks.Vo(vo.Id));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        services.Notifications.WakeDelivery();
        return await VoRules.ViewAfterJoinAsync(db, vo, membership.Role.ToString(), MembershipState.Active, membership.ExpiresAt, now, ct);
    }
}
