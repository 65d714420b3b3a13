using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Features.Notifications;

namespace Portal.Features.VirtualOrganizations.JoinRequests;

/// <summary>
/// Asks to join an open VO: a pending membership carrying the person's message, which an admin approves or denies.
/// </summary>
public static class AskToJoin
{
    public sealed record Body(string? Message);

    internal static RouteHandlerBuilder Map(RouteGroupBuilder vos) =>
        vos.MapPost("/{id:guid}/join-requests", Endpoint).WithName("RequestToJoinVo").WithSummary("Ask to join an open VO, with a message to its admins.");

    private static async Task<Results<Created<VoView>, ProblemHttpResult>> Endpoint(
        Guid id, Body? body, Caller caller, [AsParameters] VoServices services, CancellationToken ct)
    {
        var o = await HandleAsync(services, caller, id, body?.Message, ct);
        return o.Failure is { } f ? f.ToProblem() : TypedResults.Created($"/api/vos/{id}", o.Value);
    }

    public static async Task<Outcome<VoView>> HandleAsync(VoServices services, Caller caller, Guid voId, string? message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(caller);
        await using var db = await services.Dbs.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var found = await VoRules.CallerAndVoAsync(db, caller, voId, ct);
        if (found.Failure is { } denied)
        {
            return denied;
        }
        var (user, vo) = found.Value;
        if (vo.JoinPolicy != VoJoinPolicy.OpenWithApproval)
        {
            return Failure.Forbidden("vo.join_request.invitation_only",
                $"\"{vo.Name}\" accepts members by invitation only; ask one of its admins to invite you.");
        }
        if (VoInput.Length(message, VoInput.MessageMax, "message") is { } tooLong)
        {
            return tooLong;
        }
        await VoRules.LockAsync(db, voId, ct);
        var now = services.Time.GetUtcNow();
        var membership = await VoRules.MembershipAsync(db, voId, user.Id, ct);
        if (VoRules.IsLive(membership, now))
        {
            return Failure.Conflict("vo.join_request.already_member", "voId", $"You are already a member of \"{vo.Name}\".");
        }
        if (membership?.Status == MembershipStatus.Pending)
        {
            return Failure.Conflict("vo.join_request.already_pending", "voId", $"You have already asked to join \"{vo.Name}\"; an admin will decide.");
        }
        if (membership is null)
        {
            membership = new Membership { Id = Guid.CreateVersion7(now), VoId = voId, UserId = user.Id, CreatedAt = now };
            db.Memberships.Add(membership);
        }
        // An earlier (ended or lapsed) membership is reused: one row per person and VO.
        membership.Status = MembershipStatus.Pending;
        membership.Role = VoRole.Member;
        membership.ActivatedAt = null;
        membership.ExpiresAt = null;
        membership.EndedAt = null;
        membership.EndedById = null;
        membership.EndReason = null;
        membership.RequestMessage = string.IsNullOrWhiteSpace(message) ? null : message.Trim();
        services.Audit.Add(db, "vo.join_requested", AuditOutcome.Success, caller.Actor, voId: voId, details: new { message = membership.RequestMessage });
        foreach (var admin in await VoRules.LiveAdminIdsAsync(db, voId, now, ct))
        {
            services.Notifications.Notify(db, Recipient.User(admin), "vo.join_requested", $"{user.DisplayName} asks to join {vo.Name}",
                membership.RequestMessage is null
                    ? $"{user.DisplayName} asks to join \"{vo.Name}\". Approve or reject the request on the VO's page."
                    : $"{user.DisplayName} asks to join \"{vo.Name}\": \"{membership.RequestMessage}\". Approve or reject the request on the VO's page.",
                VoLinks.Vo(voId));
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        services.Notifications.WakeDelivery();
        return await VoRules.ViewAfterJoinAsync(db, vo, null, nameof(MembershipStatus.Pending), null, now, ct);
    }
}
