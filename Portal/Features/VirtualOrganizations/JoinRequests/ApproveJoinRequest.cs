using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Features.Notifications;

namespace Portal.Features.VirtualOrganizations.JoinRequests;

/// <summary>Admins approve a join request: the membership becomes live, for the VO's default length.</summary>
public static class ApproveJoinRequest
{
    public sealed record Input(Guid VoId, Guid UserId);

    internal static RouteHandlerBuilder Map(RouteGroupBuilder vos) =>
        vos.MapPost("/{id:guid}/join-requests/{userId:guid}/approve", Endpoint).WithName("ApproveVoJoinRequest").WithSummary("Admins: approve a join request.");

    private static async Task<Results<Ok<MemberView>, ProblemHttpResult>> Endpoint(
        Guid id, Guid userId, Caller caller, [AsParameters] VoServices services, CancellationToken ct)
    {
        var o = await HandleAsync(services, caller, new Input(id, userId), ct);
        return o.Failure is { } f ? f.ToProblem() : TypedResults.Ok(o.Value);
    }

    public static Task<Outcome<MemberView>> HandleAsync(VoServices services, Caller caller, Input input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(input);
        return JoinDecision.RunAsync(services, caller, input.VoId, input.UserId, (db, vo, m, now) =>
        {
            VoRules.Activate(m, VoRole.Member, vo.DefaultMembershipDays is { } days ? now.AddDays(days) : null, now);
            services.Audit.Add(db, "vo.join_approved", AuditOutcome.Success, caller.Actor, voId: vo.Id, details: new { userId = m.UserId, m.ExpiresAt });
            services.Notifications.Notify(db, Recipient.User(m.UserId), "vo.join_approved", $"Welcome to {vo.Name}",
                m.ExpiresAt is { } end
                    ? $"Your request to join \"{vo.Name}\" was approved. Your membership lasts until {end:yyyy-MM-dd}."
                    : $"Your request to join \"{vo.Name}\" was approved.",
                VoLinks.Vo(vo.Id));
        }, ct);
    }
}
