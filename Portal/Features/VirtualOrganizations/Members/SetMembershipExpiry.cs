using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Features.Notifications;

namespace Portal.Features.VirtualOrganizations.Members;

/// <summary>Admins set or renew when a membership ends (null: never). The end must lie in the future.</summary>
public static class SetMembershipExpiry
{
    public sealed record Input(Guid VoId, Guid UserId, DateTimeOffset? ExpiresAt);

    public sealed record Body(DateTimeOffset? ExpiresAt);

    internal static RouteHandlerBuilder Map(RouteGroupBuilder vos) =>
        vos.MapPut("/{id:guid}/members/{userId:guid}/expiry", Endpoint).WithName("SetVoMembershipExpiry")
            .WithSummary("Admins: set or renew when a membership ends (null: never).");

    private static async Task<Results<Ok<MemberView>, ProblemHttpResult>> Endpoint(
        Guid id, Guid userId, Body? body, Caller caller, [AsParameters] VoServices services, CancellationToken ct)
    {
        var o = await HandleAsync(services, caller, new Input(id, userId, body?.ExpiresAt), ct);
        return o.Failure is { } f ? f.ToProblem() : TypedResults.Ok(o.Value);
    }

    public static Task<Outcome<MemberView>> HandleAsync(VoServices services, Caller caller, Input input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(input);
        var expiresAt = input.ExpiresAt;
        return MemberChange.RunAsync(services, caller, input.VoId, input.UserId, "set membership ends", async (db, vo, m, now) =>
        {
            if (expiresAt is { } end && end <= now)
            {
                return Failure.Invalid("vo.member.expiry_in_past", "expiresAt",
                    "expiresAt must lie in the future; leave it empty for a membership without end.");
            }
            if (expiresAt is not null && m.Role == VoRole.Admin && await VoRules.OtherLiveAdminsAsync(db, vo.Id, m.UserId, now, ct) == 0)
            {
                return VoRules.LastAdmin("expiresAt",
                    $"This is the last admin of \"{vo.Name}\": their membership cannot end until another member is admin.");
            }
            var old = m.ExpiresAt;
            m.ExpiresAt = expiresAt;
            // A lapsed membership renewed today starts again today (the constraint wants the end after the start).
            if (m.ActivatedAt is { } start && expiresAt is { } e && e <= start)
            {
                m.ActivatedAt = now;
            }
            services.Audit.Add(db, "vo.membership_expiry_set", AuditOutcome.Success, caller.Actor, voId: vo.Id,
                details: new { userId = m.UserId, from = old, to = expiresAt });
            services.Notifications.Notify(db, Recipient.User(m.UserId), "vo.membership_expiry",
                $"Your membership of {vo.Name} {(expiresAt is null ? "no longer ends" : $"now ends on {expiresAt:yyyy-MM-dd}")}",
                expiresAt is null
                    ? $"An admin of \"{vo.Name}\" removed the end date of your membership."
                    : $"An admin of \"{vo.Name}\" set the end of your membership to {expiresAt:yyyy-MM-dd HH:mm} UTC.",
                VoLinks.Vo(vo.Id));
            return null;
        }, ct);
    }
}
