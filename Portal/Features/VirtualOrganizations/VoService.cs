using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.Data;
using Portal.Features.Audit;
using Portal.Features.Notifications;
using Portal.Features.SignIn;

namespace Portal.Features.VirtualOrganizations;

/// <summary>
/// Virtual organizations and their memberships, for the API and the pages alike. Every method decides on its own
/// whether the caller may act, writes the change, its audit event and its notifications in one transaction, and
/// refuses with a <see cref="Failure"/> rather than an exception.
/// </summary>
public sealed class VoService(IDbContextFactory<PortalDb> dbs, AuditLog audit, NotificationService notifications, TimeProvider time)
{
    public async Task<Outcome<VoView>> CreateAsync(Caller caller, CreateVoInput input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(input);
        await using var db = await dbs.CreateDbContextAsync(ct);
        var me = await VoAccess.CallerAsync(db, caller, ct);
        if (me.Failure is { } denied)
        {
            return denied;
        }
        var name = input.Name?.Trim() ?? "";
        if (name.Length == 0)
        {
            return Failure.Invalid("name", "name is required.");
        }
        if ((VoInput.Length(name, VoInput.NameMax, "name") ?? VoInput.Length(input.Description, VoInput.DescriptionMax, "description")) is { } tooLong)
        {
            return tooLong;
        }
        var policy = VoInput.JoinPolicy(input.JoinPolicy);
        if (policy.Failure is { } badPolicy)
        {
            return badPolicy;
        }
        if (input.DefaultMembershipDays is < 1 or > VoInput.MaxMembershipDays)
        {
            return Failure.Invalid("defaultMembershipDays", $"defaultMembershipDays must be between 1 and {VoInput.MaxMembershipDays}, or empty for no expiry.");
        }
        var lowered = name.ToLowerInvariant();
#pragma warning disable CA1862 // EF translates ToLower() to SQL lower(); the StringComparison overloads do not translate.
        if (await db.VirtualOrganizations.AnyAsync(v => v.Name.ToLower() == lowered, ct))
#pragma warning restore CA1862
        {
            return NameTaken(name);
        }

        var now = time.GetUtcNow();
        var vo = new VirtualOrganization
        {
            Id = Guid.CreateVersion7(now),
            Name = name,
            Description = input.Description?.Trim() ?? "",
            JoinPolicy = policy.Value,
            DefaultMembershipDays = input.DefaultMembershipDays,
            CreatedById = me.Value!.Id,
            CreatedAt = now,
        };
        // The creator is the first admin, without an end: a VO must never be left without one.
        vo.Memberships.Add(new Membership
        {
            Id = Guid.CreateVersion7(now),
            UserId = me.Value.Id,
            Role = VoRole.Admin,
            Status = MembershipStatus.Active,
            CreatedAt = now,
            ActivatedAt = now,
        });
        db.VirtualOrganizations.Add(vo);
        audit.Add(db, "vo.created", AuditOutcome.Success, caller.Actor, voId: vo.Id,
            details: new { vo.Name, joinPolicy = vo.JoinPolicy.ToString(), vo.DefaultMembershipDays });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return NameTaken(name);
        }
        return new VoView(vo.Id, vo.Name, vo.Description, vo.JoinPolicy.ToString(), vo.DefaultMembershipDays, vo.CreatedAt, 1,
            nameof(VoRole.Admin), MembershipState.Active, null);
    }

    private static Failure NameTaken(string name) => Failure.Conflict("name", $"A virtual organization named \"{name}\" already exists; choose another name.");

    /// <summary>The caller's VOs: live, expired and asked-to-join memberships, by name.</summary>
    public async Task<Outcome<PageOf<VoView>>> ListMineAsync(Caller caller, Paging paging, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        await using var db = await dbs.CreateDbContextAsync(ct);
        var me = await VoAccess.CallerAsync(db, caller, ct);
        if (me.Failure is { } denied)
        {
            return denied;
        }
        var now = time.GetUtcNow();
        var id = me.Value!.Id;
        var vos = db.VirtualOrganizations.AsNoTracking().Where(v => v.ArchivedAt == null
            && v.Memberships.Any(m => m.UserId == id && (m.Status == MembershipStatus.Active || m.Status == MembershipStatus.Pending)));
        return await PageAsync(vos, id, paging, now, ct);
    }

    /// <summary>VOs anyone may ask to join, for discovery.</summary>
    public async Task<Outcome<PageOf<VoView>>> ListOpenAsync(Caller caller, Paging paging, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        await using var db = await dbs.CreateDbContextAsync(ct);
        var me = await VoAccess.CallerAsync(db, caller, ct);
        if (me.Failure is { } denied)
        {
            return denied;
        }
        var vos = db.VirtualOrganizations.AsNoTracking().Where(v => v.ArchivedAt == null && v.JoinPolicy == VoJoinPolicy.OpenWithApproval);
        return await PageAsync(vos, me.Value!.Id, paging, time.GetUtcNow(), ct);
    }

    /// <summary>A VO's details: for its live members, and for anyone when the VO is open to join requests.</summary>
    public async Task<Outcome<VoView>> GetAsync(Caller caller, Guid voId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        await using var db = await dbs.CreateDbContextAsync(ct);
        var me = await VoAccess.CallerAsync(db, caller, ct);
        if (me.Failure is { } denied)
        {
            return denied;
        }
        var now = time.GetUtcNow();
        var page = await PageAsync(db.VirtualOrganizations.AsNoTracking().Where(v => v.Id == voId && v.ArchivedAt == null),
            me.Value!.Id, new Paging(1, 1), now, ct);
        if (page.Value!.Items is not [var vo])
        {
            return Failure.NotFound("No such virtual organization.");
        }
        var visible = vo.JoinPolicy == nameof(VoJoinPolicy.OpenWithApproval) || vo.MyStatus is MembershipState.Active or MembershipState.Expired
            || vo.MyStatus == nameof(MembershipStatus.Pending);
        return visible ? vo : Failure.Forbidden($"Only members of \"{vo.Name}\" see it; it accepts members by invitation.");
    }

    private static async Task<Outcome<PageOf<VoView>>> PageAsync(
        IQueryable<VirtualOrganization> vos, Guid me, Paging paging, DateTimeOffset now, CancellationToken ct)
    {
        var total = await vos.CountAsync(ct);
        var live = Membership.ActiveAt(now);
        var rows = await vos.OrderBy(v => v.Name).ThenBy(v => v.Id).Skip(paging.Skip).Take(paging.PageSize)
            .Select(v => new
            {
                v.Id,
                v.Name,
                v.Description,
                v.JoinPolicy,
                v.DefaultMembershipDays,
                v.CreatedAt,
                Members = v.Memberships.AsQueryable().Count(live),
                Mine = v.Memberships.Where(m => m.UserId == me).Select(m => new { m.Role, m.Status, m.ExpiresAt }).FirstOrDefault(),
            })
            .ToListAsync(ct);
        var items = rows.Select(r => new VoView(r.Id, r.Name, r.Description, r.JoinPolicy.ToString(), r.DefaultMembershipDays, r.CreatedAt,
            r.Members,
            r.Mine is { Status: MembershipStatus.Active } ? r.Mine.Role.ToString() : null,
            r.Mine is null ? null : MembershipState.Of(r.Mine.Status, r.Mine.ExpiresAt, now),
            r.Mine?.ExpiresAt)).ToList();
        return new PageOf<VoView>(items, paging.Page, paging.PageSize, total);
    }

    /// <summary>Members (including expired ones, marked so) for live members; e-mail addresses for admins only.</summary>
    public async Task<Outcome<IReadOnlyList<MemberView>>> MembersAsync(Caller caller, Guid voId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        await using var db = await dbs.CreateDbContextAsync(ct);
        var found = await VoAccess.CallerAndVoAsync(db, caller, voId, ct);
        if (found.Failure is { } denied)
        {
            return denied;
        }
        var (me, vo) = found.Value;
        var now = time.GetUtcNow();
        var mine = await VoAccess.MembershipAsync(db, voId, me.Id, ct);
        if (!VoAccess.IsLive(mine, now))
        {
            return Failure.Forbidden($"Only members of \"{vo.Name}\" see its members.");
        }
        var admin = mine!.Role == VoRole.Admin;
        var rows = await db.Memberships.AsNoTracking()
            .Where(m => m.VoId == voId && m.Status == MembershipStatus.Active)
            .OrderBy(m => m.User!.DisplayName)
            .Select(m => new { m.UserId, m.User!.DisplayName, m.User.Email, Institution = m.User.Institution!.Name, m.Role, m.Status, m.ActivatedAt, m.ExpiresAt })
            .ToListAsync(ct);
        return rows.Select(r => new MemberView(r.UserId, r.DisplayName, admin ? r.Email : null, r.Institution, r.Role.ToString(),
            MembershipState.Of(r.Status, r.ExpiresAt, now), r.ActivatedAt, r.ExpiresAt)).ToList();
    }

    /// <summary>The caller leaves (or withdraws a join request). The last admin must first name another.</summary>
    public async Task<Outcome<Done>> LeaveAsync(Caller caller, Guid voId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        await using var db = await dbs.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var found = await VoAccess.CallerAndVoAsync(db, caller, voId, ct);
        if (found.Failure is { } denied)
        {
            return denied;
        }
        var (me, vo) = found.Value;
        await VoAccess.LockAsync(db, voId, ct);
        var now = time.GetUtcNow();
        var mine = await VoAccess.MembershipAsync(db, voId, me.Id, ct);
        if (mine is not { Status: MembershipStatus.Active or MembershipStatus.Pending })
        {
            return Failure.NotFound($"You are not a member of \"{vo.Name}\".");
        }
        if (VoAccess.IsLiveAdmin(mine, now) && await VoAccess.OtherLiveAdminsAsync(db, voId, mine.UserId, now, ct) == 0)
        {
            return Failure.Conflict("role", $"You are the last admin of \"{vo.Name}\": make another member admin before you leave.");
        }
        var wasPending = mine.Status == MembershipStatus.Pending;
        End(mine, MembershipStatus.Left, me.Id, null, now);
        audit.Add(db, wasPending ? "vo.join_withdrawn" : "vo.member_left", AuditOutcome.Success, caller.Actor, voId: voId,
            details: new { userId = mine.UserId });
        if (!wasPending)
        {
            foreach (var admin in await VoAccess.LiveAdminIdsAsync(db, voId, now, ct))
            {
                notifications.Notify(db, Recipient.User(admin), "vo.member_left", $"{me.DisplayName} left {vo.Name}",
                    $"{me.DisplayName} left the virtual organization \"{vo.Name}\".", VoLinks.Vo(voId));
            }
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        notifications.WakeDelivery();
        return default(Done);
    }

    public async Task<Outcome<MemberView>> ChangeRoleAsync(Caller caller, Guid voId, Guid userId, string? role, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var newRole = VoInput.Role(role);
        if (newRole.Failure is { } badRole)
        {
            return badRole;
        }
        return await ChangeMemberAsync(caller, voId, userId, "change members' roles", async (db, vo, m, now) =>
        {
            if (m.Role == newRole.Value)
            {
                return null;
            }
            if (m.Role == VoRole.Admin && VoAccess.IsLive(m, now) && await VoAccess.OtherLiveAdminsAsync(db, voId, m.UserId, now, ct) == 0)
            {
                return Failure.Conflict("role", $"This is the last admin of \"{vo.Name}\": make another member admin first.");
            }
            var old = m.Role;
            m.Role = newRole.Value;
            audit.Add(db, "vo.role_changed", AuditOutcome.Success, caller.Actor, voId: voId,
                details: new { userId = m.UserId, from = old.ToString(), to = m.Role.ToString() });
            notifications.Notify(db, Recipient.User(m.UserId), "vo.role_changed", $"Your role in {vo.Name} is now {m.Role.ToString().ToLowerInvariant()}",
                $"An admin of \"{vo.Name}\" changed your role from {old.ToString().ToLowerInvariant()} to {m.Role.ToString().ToLowerInvariant()}.",
                VoLinks.Vo(voId));
            return null;
        }, ct);
    }

    /// <summary>Sets or renews when a membership ends (null: never). The end must lie in the future.</summary>
    public async Task<Outcome<MemberView>> SetExpiryAsync(Caller caller, Guid voId, Guid userId, DateTimeOffset? expiresAt, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return await ChangeMemberAsync(caller, voId, userId, "set membership ends", async (db, vo, m, now) =>
        {
            if (expiresAt is { } end && end <= now)
            {
                return Failure.Invalid("expiresAt", "expiresAt must lie in the future; leave it empty for a membership without end.");
            }
            if (expiresAt is not null && m.Role == VoRole.Admin && await VoAccess.OtherLiveAdminsAsync(db, voId, m.UserId, now, ct) == 0)
            {
                return Failure.Conflict("expiresAt", $"This is the last admin of \"{vo.Name}\": their membership cannot end until another member is admin.");
            }
            var old = m.ExpiresAt;
            m.ExpiresAt = expiresAt;
            // A lapsed membership renewed today starts again today (the constraint wants the end after the start).
            if (m.ActivatedAt is { } start && expiresAt is { } e && e <= start)
            {
                m.ActivatedAt = now;
            }
            audit.Add(db, "vo.membership_expiry_set", AuditOutcome.Success, caller.Actor, voId: voId,
                details: new { userId = m.UserId, from = old, to = expiresAt });
            notifications.Notify(db, Recipient.User(m.UserId), "vo.membership_expiry",
                $"Your membership of {vo.Name} {(expiresAt is null ? "no longer ends" : $"now ends on {expiresAt:yyyy-MM-dd}")}",
                expiresAt is null
                    ? $"An admin of \"{vo.Name}\" removed the end date of your membership."
                    : $"An admin of \"{vo.Name}\" set the end of your membership to {expiresAt:yyyy-MM-dd HH:mm} UTC.",
                VoLinks.Vo(voId));
            return null;
        }, ct);
    }

    public async Task<Outcome<Done>> RemoveAsync(Caller caller, Guid voId, Guid userId, string? reason, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (VoInput.Length(reason, VoInput.ReasonMax, "reason") is { } tooLong)
        {
            return tooLong;
        }
        var result = await ChangeMemberAsync(caller, voId, userId, "remove members", async (db, vo, m, now) =>
        {
            if (m.Role == VoRole.Admin && VoAccess.IsLive(m, now) && await VoAccess.OtherLiveAdminsAsync(db, voId, m.UserId, now, ct) == 0)
            {
                return Failure.Conflict("userId", $"This is the last admin of \"{vo.Name}\": make another member admin first.");
            }
            End(m, MembershipStatus.Removed, caller.UserId, reason, now);
            audit.Add(db, "vo.member_removed", AuditOutcome.Success, caller.Actor, voId: voId, details: new { userId = m.UserId, reason });
            notifications.Notify(db, Recipient.User(m.UserId), "vo.member_removed", $"You were removed from {vo.Name}",
                string.IsNullOrWhiteSpace(reason)
                    ? $"An admin of \"{vo.Name}\" removed you from the virtual organization."
                    : $"An admin of \"{vo.Name}\" removed you from the virtual organization. Reason: {reason}",
                null);
            return null;
        }, ct);
        return result.Failure is { } f ? f : default(Done);
    }

    /// <summary>The frame of every admin action on one member: authorize, lock the VO, find the member, change, commit.</summary>
    private async Task<Outcome<MemberView>> ChangeMemberAsync(Caller caller, Guid voId, Guid userId, string action,
        Func<PortalDb, VirtualOrganization, Membership, DateTimeOffset, Task<Failure?>> change, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var now = time.GetUtcNow();
        var admin = await VoAccess.AdminAsync(db, caller, voId, now, action, ct);
        if (admin.Failure is { } denied)
        {
            return denied;
        }
        await VoAccess.LockAsync(db, voId, ct);
        var m = await db.Memberships.Include(x => x.User!).ThenInclude(u => u.Institution)
            .SingleOrDefaultAsync(x => x.VoId == voId && x.UserId == userId && x.Status == MembershipStatus.Active, ct);
        if (m is null)
        {
            return Failure.NotFound($"This person is not a member of \"{admin.Value.Vo.Name}\".");
        }
        if (await change(db, admin.Value.Vo, m, now) is { } refused)
        {
            return refused;
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        notifications.WakeDelivery();
        return new MemberView(m.UserId, m.User!.DisplayName, m.User.Email, m.User.Institution?.Name, m.Role.ToString(),
            MembershipState.Of(m.Status, m.ExpiresAt, now), m.ActivatedAt, m.ExpiresAt);
    }

    internal static void End(Membership m, MembershipStatus status, Guid? by, string? reason, DateTimeOffset now)
    {
        m.Status = status;
        m.EndedAt = now;
        m.EndedById = by;
        m.EndReason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
    }
}

/// <summary>Paths of the VO pages, for links in notifications.</summary>
public static class VoLinks
{
    public static string Vo(Guid voId) => $"/vos/{voId}";

    public static string Invitation(string token) => $"/invitations/{token}";
}
