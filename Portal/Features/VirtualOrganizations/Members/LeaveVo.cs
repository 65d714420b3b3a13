using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Features.Notifications;

namespace Portal.Features.VirtualOrganizations.Members;

/// <summary>The caller leaves (or withdraws a join request). The last admin must first name another.</summary>
public static class LeaveVo
{
    internal static RouteHandlerBuilder Map(RouteGroupBuilder vos) =>
        vos.MapPost("/{id:guid}/leave", Endpoint).WithName("LeaveVo").WithSummary("Leave the VO (or withdraw a join request). The last admin cannot.");

    private static async Task<Results<NoContent, ProblemHttpResult>> Endpoint(
        Guid id, Caller caller, [AsParameters] VoServices services, CancellationToken ct)
    {
        var o = await HandleAsync(services, caller, id, ct);
        return o.Failure is { } f ? f.ToProblem() : TypedResults.NoContent();
    }

    public static async Task<Outcome<Done>> HandleAsync(VoServices services, Caller caller, Guid voId, CancellationToken ct)
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
        var (me, vo) = found.Value;
        await VoRules.LockAsync(db, voId, ct);
        var now = services.Time.GetUtcNow();
        var mine = await VoRules.MembershipAsync(db, voId, me.Id, ct);
        if (mine is not { Status: MembershipStatus.Active or MembershipStatus.Pending })
        {
            return Failure.NotFound("vo.member.not_a_member", $"You are not a member of \"{vo.Name}\".");
        }
        if (VoRules.IsLiveAdmin(mine, now) && await VoRules.OtherLiveAdminsAsync(db, voId, mine.UserId, now, ct) == 0)
        {
            return VoRules.LastAdmin("role", $"You are the last admin of \"{vo.Name}\": make another member admin before you leave.");
        }
        var wasPending = mine.Status == MembershipStatus.Pending;
        VoRules.End(mine, MembershipStatus.Left, me.Id, null, now);
        services.Audit.Add(db, wasPending ? "vo.join_withdrawn" : "vo.member_left", AuditOutcome.Success, caller.Actor, voId: voId,
            details: new { userId = mine.UserId });
        if (!wasPending)
        {
            foreach (var admin in await VoRules.LiveAdminIdsAsync(db, voId, now, ct))
            {
                services.Notifications.Notify(db, Recipient.User(admin), "vo.member_left", $"{me.DisplayName} left {vo.Name}",
                    $"{me.DisplayName} left the virtual organization \"{vo.Name}\".", VoLinks.Vo(voId));
            }
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        services.Notifications.WakeDelivery();
        return default(Done);
    }
}
