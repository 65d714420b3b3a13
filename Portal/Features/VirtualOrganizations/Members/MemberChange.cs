using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Features.VirtualOrganizations.Members;

/// <summary>
/// The frame of every admin action on one live member (change role, set expiry, remove): authorize, lock the VO,
/// find the member, let the use case change it (or refuse), commit, wake e-mail delivery.
/// </summary>
internal static class MemberChange
{
    public static async Task<Outcome<MemberView>> RunAsync(VoServices services, Caller caller, Guid voId, Guid userId, string action,
        Func<PortalDb, VirtualOrganization, Membership, DateTimeOffset, Task<Failure?>> change, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(caller);
        await using var db = await services.Dbs.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var now = services.Time.GetUtcNow();
        var admin = await VoRules.AdminAsync(db, caller, voId, now, action, ct);
        if (admin.Failure is { } denied)
        {
            return denied;
        }
        await VoRules.LockAsync(db, voId, ct);
        var m = await db.Memberships.Include(x => x.User!).ThenInclude(u => u.Institution)
            .SingleOrDefaultAsync(x => x.VoId == voId && x.UserId == userId && x.Status == MembershipStatus.Active, ct);
        if (m is null)
        {
            return Failure.NotFound("vo.member.not_found", $"This person is not a member of \"{admin.Value.Vo.Name}\".");
        }
        if (await change(db, admin.Value.Vo, m, now) is { } refused)
        {
            return refused;
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        services.Notifications.WakeDelivery();
        return VoRules.MemberViewOf(m, now);
    }
}
