using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Features.Notifications;

namespace Portal.Features.VirtualOrganizations.Members;

/// <summary>Admins remove a member, with an optional reason the member is told; the last admin cannot be removed.</summary>
public static class RemoveMember
{
    public sealed record Input(Guid VoId, Guid UserId, string? Reason);

    internal static RouteHandlerBuilder Map(RouteGroupBuilder vos) =>
        vos.MapDelete("/{id:guid}/members/{userId:guid}", Endpoint).WithName("RemoveVoMember").WithSummary("Admins: remove a member (?reason=).");

    private static async Task<Results<NoContent, ProblemHttpResult>> Endpoint(
        Guid id, Guid userId, string? reason, Caller caller, [AsParameters] VoServices services, CancellationToken ct)
    {
        var o = await HandleAsync(services, caller, new Input(id, userId, reason), ct);
        return o.Failure is { } f ? f.ToProblem() : TypedResults.NoContent();
    }

    public static async Task<Outcome<Done>> HandleAsync(VoServices services, Caller caller, Input input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(input);
        var reason = input.Reason;
        if (VoInput.Length(reason, VoInput.ReasonMax, "reason") is { } tooLong)
        {
            return tooLong;
        }
        var result = await MemberChange.RunAsync(services, caller, input.VoId, input.UserId, "remove members", async (db, vo, m, now) =>
        {
            if (m.Role == VoRole.Admin && VoRules.IsLive(m, now) && await VoRules.OtherLiveAdminsAsync(db, vo.Id, m.UserId, now, ct) == 0)
            {
                return VoRules.LastAdmin("userId", $"This is the last admin of \"{vo.Name}\": make another member admin first.");
            }
            VoRules.End(m, MembershipStatus.Removed, caller.UserId, reason, now);
            services.Audit.Add(db, "vo.member_removed", AuditOutcome.Success, caller.Actor, voId: vo.Id, details: new { userId = m.UserId, reason });
            services.Notifications.Notify(db, Recipient.User(m.UserId), "vo.member_removed", $"You were removed from {vo.Name}",
                string.IsNullOrWhiteSpace(reason)
                    ? $"An admin of \"{vo.Name}\" removed you from the virtual organization."
                    : $"An admin of \"{vo.Name}\" removed you from the virtual organization. Reason: {reason}",
                null);
            return null;
        }, ct);
        return result.Failure is { } f ? f : default(Done);
    }
}
