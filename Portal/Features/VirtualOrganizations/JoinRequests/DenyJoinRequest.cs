using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Features.Notifications;

namespace Portal.Features.VirtualOrganizations.JoinRequests;

/// <summary>Admins deny a join request, with an optional reason the person is told. The API calls it "reject".</summary>
public static class DenyJoinRequest
{
    public sealed record Input(Guid VoId, Guid UserId, string? Reason);

    public sealed record Body(string? Reason);

    internal static RouteHandlerBuilder Map(RouteGroupBuilder vos) =>
        vos.MapPost("/{id:guid}/join-requests/{userId:guid}/reject", Endpoint).WithName("RejectVoJoinRequest").WithSummary("Admins: reject a join request, with a reason.");

    private static async Task<Results<Ok<MemberView>, ProblemHttpResult>> Endpoint(
        Guid id, Guid userId, Body? body, Caller caller, [AsParameters] VoServices services, CancellationToken ct)
    {
        var o = await HandleAsync(services, caller, new Input(id, userId, body?.Reason), ct);
        return o.Failure is { } f ? f.ToProblem() : TypedResults.Ok(o.Value);
    }

    public static async Task<Outcome<MemberView>> HandleAsync(VoServices services, Caller caller, Input input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(input);
        var reason = input.Reason;
        if (VoInput.Length(reason, VoInput.ReasonMax, "reason") is { } tooLong)
        {
            return tooLong;
        }
        return await JoinDecision.RunAsync(services, caller, input.VoId, input.UserId, (db, vo, m, now) =>
        {
            VoRules.End(m, MembershipStatus.Rejected, caller.UserId, reason, now);
            services.Audit.Add(db, "vo.join_rejected", AuditOutcome.Success, caller.Actor, voId: vo.Id, details: new { userId = m.UserId, reason });
            services.Notifications.Notify(db, Recipient.User(m.UserId), "vo.join_rejected", $"Your request to join {vo.Name} was declined",
                string.IsNullOrWhiteSpace(reason)
                    ? $"An admin of \"{vo.Name}\" declined your request to join."
                    : $"An admin of \"{vo.Name}\" declined your request to join. Reason: {reason}",
                VoLinks.Vo(vo.Id));
        }, ct);
    }
}
