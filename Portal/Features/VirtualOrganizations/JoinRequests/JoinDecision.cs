using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Features.VirtualOrganizations.JoinRequests;

/// <summary>The frame of approving and denying: authorize, lock the VO, find the pending request, decide, commit.</summary>
internal static class JoinDecision
{
    public static async Task<Outcome<MemberView>> RunAsync(VoServices services, Caller caller, Guid voId, Guid userId,
        Action<PortalDb, VirtualOrganization, Membership, DateTimeOffset> decide, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(caller);
        await using var db = await services.Dbs.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var now = services.Time.GetUtcNow();
        var admin = await VoRules.AdminAsync(db, caller, voId, now, "decide join requests", ct);
        if (admin.Failure is { } denied)
        {
            return denied;
        }
        var vo = admin.Value.Vo;
        await VoRules.LockAsync(db, voId, ct);
        var m = await db.Memberships.Include(x => x.User!).ThenInclude(u => u.Institution)
            .SingleOrDefaultAsync(x => x.VoId == voId && x.UserId == userId && x.Status == MembershipStatus.Pending, ct);
        if (m is null)
        {
            return Failure.NotFound("vo.join_request.not_found", $"There is no pending request from this person to join \"{vo.Name}\".");
        }
        decide(db, vo, m, now);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        services.Notifications.WakeDelivery();
        return VoRules.MemberViewOf(m, now);
    }
}
