using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Features.Notifications;

namespace Portal.Features.VirtualOrganizations.Members;

/// <summary>Admins make a member admin, or an admin member again; the last admin stays admin.</summary>
public static class ChangeMemberRole
{
    public sealed record Input(Guid VoId, Guid UserId, string? Role);

    public sealed record Body(string? Role);

    internal static RouteHandlerBuilder Map(RouteGroupBuilder vos) =>
        vos.MapPut("/{id:guid}/members/{userId:guid}/role", Endpoint).WithName("ChangeVoMemberRole").WithSummary("Admins: make a member admin or member.");

    private static async Task<Results<Ok<MemberView>, ProblemHttpResult>> Endpoint(
        Guid id, Guid userId, Body? body, Caller caller, [AsParameters] VoServices services, CancellationToken ct)
    {
        var o = await HandleAsync(services, caller, new Input(id, userId, body?.Role ?? ""), ct);
        return o.Failure is { } f ? f.ToProblem() : TypedResults.Ok(o.Value);
    }

    public static async Task<Outcome<MemberView>> HandleAsync(VoServices services, Caller caller, Input input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(input);
        var newRole = VoInput.Role(input.Role);
        if (newRole.Failure is { } badRole)
        {
            return badRole;
        }
        return await MemberChange.RunAsync(services, caller, input.VoId, input.UserId, "change members' roles", async (db, vo, m, now) =>
        {
            if (m.Role == newRole.Value)
            {
                return null;
            }
            if (m.Role == VoRole.Admin && VoRules.IsLive(m, now) && await VoRules.OtherLiveAdminsAsync(db, vo.Id, m.UserId, now, ct) == 0)
            {
                return VoRules.LastAdmin("role", $"This is the last admin of \"{vo.Name}\": make another member admin first.");
            }
            var old = m.Role;
            m.Role = newRole.Value;
            services.Audit.Add(db, "vo.role_changed", AuditOutcome.Success, caller.Actor, voId: vo.Id,
                details: new { userId = m.UserId, from = old.ToString(), to = m.Role.ToString() });
            services.Notifications.Notify(db, Recipient.User(m.UserId), "vo.role_changed",
                $"Your role in {vo.Name} is now {m.Role.ToString().ToLowerInvariant()}",
                $"An admin of \"{vo.Name}\" changed your role from {old.ToString().ToLowerInvariant()} to {m.Role.ToString().ToLowerInvariant()}.",
                VoLinks.Vo(vo.Id));
            return null;
        }, ct);
    }
}
