using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Audit;
using Portal.Features.Notifications;
using Portal.Features.SignIn;
using Portal.Features.VirtualOrganizations;
using Portal.Policy;

namespace Portal.Features.Grants;

/// <summary>
/// Grants for the API and the pages alike: direct grants, extension, revocation, "who has access now" and "what can I
/// access". Every method authorizes the caller itself, commits the change with its audit event and notifications,
/// and puts the change into this instance's policy engine before it returns.
/// </summary>
public sealed class GrantService(
    IDbContextFactory<PortalDb> dbs, AuditLog audit, NotificationService notifications, PolicyEngine engine, TimeProvider time)
{
    public async Task<Outcome<GrantView>> CreateAsync(Caller caller, DirectGrantInput input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(input);
        if (input.DatasetId is not { } datasetId)
        {
            return Failure.Invalid("datasetId", "datasetId is required.");
        }
        await using var db = await dbs.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var manager = await GrantRules.ManagerAsync(db, caller, datasetId, "grant access to it", ct);
        if (manager.Failure is { } denied)
        {
            return denied;
        }
        var (me, dataset) = manager.Value;
        if (dataset.Status != DatasetStatus.Active)
        {
            return Failure.Conflict("datasetId", $"\"{dataset.Name}\" is not active; only active datasets can be granted.");
        }
        var now = time.GetUtcNow();
        var grant = new Grant
        {
            Id = Guid.CreateVersion7(now),
            DatasetId = datasetId,
            ProfileVersion = dataset.ProfileVersion,
            K = dataset.DefaultK,
            CreatedById = me.Id,
            CreatedAt = now,
        };
        if (await GranteeAsync(db, grant, input, ct) is { } badGrantee)
        {
            return badGrantee;
        }
        if (input.Purposes is not { Count: > 0 } purposes)
        {
            return Failure.Invalid("purposes", "purposes is required: at least one DUO purpose, e.g. DS:HIV.");
        }
        if (purposes.Count > 20)
        {
            return Failure.Invalid("purposes", "purposes lists more than 20 purposes.");
        }
        foreach (var text in purposes)
        {
            var purpose = GrantRules.Purpose(text, input.Commercial ?? false, "purposes");
            if (purpose.Failure is { } badPurpose)
            {
                return badPurpose;
            }
            if (GrantRules.FitsDataUse(dataset, purpose.Value!, "purposes") is { } unfit)
            {
                return unfit;
            }
            grant.Purposes.Add(purpose.Value!);
        }
        var columns = GrantRules.Columns(dataset, input.Columns, "columns");
        if (columns.Failure is { } badColumns)
        {
            return badColumns;
        }
        grant.Columns = columns.Value;
        grant.ValidFrom = input.ValidFrom ?? now;
        if (GrantRules.Period(grant.ValidFrom, input.ValidUntil, now, "validFrom", "validUntil") is { } badPeriod)
        {
            return badPeriod;
        }
        grant.ValidUntil = input.ValidUntil!.Value;

        db.Grants.Add(grant);
        audit.Add(db, "grant.created", AuditOutcome.Success, caller.Actor, voId: grant.GranteeVoId, datasetId: datasetId, grantId: grant.Id,
            details: new
            {
                granteeKind = grant.GranteeKind.ToString(),
                grant.GranteeUserId,
                grant.GranteeVoId,
                role = grant.GranteeRole?.ToString(),
                grant.GranteeInstitutionId,
                purposes = grant.Purposes.Select(p => p.ToString()),
                grant.Columns,
                grant.ValidFrom,
                grant.ValidUntil,
                direct = true,
            });
        await NotifyCoveredAsync(db, grant, now, "grant.created", $"You have access to {dataset.Name}",
            $"{me.DisplayName} granted you access to \"{dataset.Name}\" for {string.Join(", ", grant.Purposes)} until {grant.ValidUntil:yyyy-MM-dd HH:mm} UTC.", ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        await GrantRules.ApplyToPolicyAsync(dbs, engine, grant.Id, ct);
        notifications.WakeDelivery();
        return await ViewAsync(grant.Id, ct);
    }

    private static async Task<Failure?> GranteeAsync(PortalDb db, Grant grant, DirectGrantInput input, CancellationToken ct)
    {
        switch (input.GranteeKind?.Trim().Replace("-", "", StringComparison.Ordinal).ToUpperInvariant())
        {
            case "PERSON":
                if (input.UserId is not { } userId || !await db.Users.AnyAsync(u => u.Id == userId, ct))
                {
                    return Failure.Invalid("userId", "userId must name a portal user.");
                }
                grant.GranteeKind = GranteeKind.Person;
                grant.GranteeUserId = userId;
                return null;
            case "VO":
                grant.GranteeKind = GranteeKind.Vo;
                break;
            case "VOROLE" or "ROLE":
                var role = VoInput.Role(input.Role);
                if (input.Role is null || role.Failure is not null)
                {
                    return Failure.Invalid("role", "role must be \"member\" or \"admin\".");
                }
                grant.GranteeKind = GranteeKind.VoRole;
                grant.GranteeRole = role.Value;
                break;
            case "VOINSTITUTION" or "INSTITUTION":
                if (input.InstitutionId is not { } institutionId || !await db.Institutions.AnyAsync(i => i.Id == institutionId, ct))
                {
                    return Failure.Invalid("institutionId", "institutionId must name an institution.");
                }
                grant.GranteeKind = GranteeKind.VoInstitution;
                grant.GranteeInstitutionId = institutionId;
                break;
            default:
                return Failure.Invalid("granteeKind", "granteeKind must be \"person\", \"vo\", \"vo-role\" or \"vo-institution\".");
        }
        if (input.VoId is not { } voId)
        {
            return Failure.Invalid("voId", "voId is required for grants to a VO, a role or an institution.");
        }
        // Only a VO that lists the dataset: a grant must not reach people who cannot even see it.
        if (!await db.DatasetShares.AnyAsync(s => s.DatasetId == grant.DatasetId && s.VoId == voId && s.Vo!.ArchivedAt == null, ct))
        {
            return Failure.Invalid("voId", "The dataset is not shared into this VO; share it there first.");
        }
        grant.GranteeVoId = voId;
        return null;
    }

    /// <summary>Moves a grant's end later. Owners and stewards only; a revoked or ended grant is not revived.</summary>
    public async Task<Outcome<GrantView>> ExtendAsync(Caller caller, Guid grantId, ExtendGrantInput input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(input);
        await using var db = await dbs.CreateDbContextAsync(ct);
        var managed = await GrantRules.ManagedGrantAsync(db, caller, grantId, "extend its grants", ct);
        if (managed.Failure is { } denied)
        {
            return denied;
        }
        var (grant, me, dataset) = managed.Value;
        var now = time.GetUtcNow();
        if (Extend(grant, input.ValidUntil, now) is { } refused)
        {
            return refused;
        }
        var old = db.Entry(grant).Property(g => g.ValidUntil).OriginalValue;
        audit.Add(db, "grant.extended", AuditOutcome.Success, caller.Actor, voId: grant.GranteeVoId, datasetId: grant.DatasetId, grantId: grant.Id,
            details: new { from = old, to = grant.ValidUntil });
        await NotifyCoveredAsync(db, grant, now, "grant.extended", $"Your access to {dataset.Name} now ends on {grant.ValidUntil:yyyy-MM-dd}",
            $"{me.DisplayName} extended your access to \"{dataset.Name}\" until {grant.ValidUntil:yyyy-MM-dd HH:mm} UTC.", ct);
        if (await SaveAsync(db, ct) is { } conflict)
        {
            return conflict;
        }
        await GrantRules.ApplyToPolicyAsync(dbs, engine, grant.Id, ct);
        notifications.WakeDelivery();
        return await ViewAsync(grant.Id, ct);
    }

    /// <summary>The checks of an extension, by the owner directly or by approving a researcher's request.</summary>
    internal static Failure? Extend(Grant grant, DateTimeOffset? until, DateTimeOffset now, string field = "validUntil")
    {
        if (grant.RevokedAt is not null)
        {
            return Failure.Conflict(field, "The grant was revoked; issue a new one instead.");
        }
        if (grant.ValidUntil <= now)
        {
            return Failure.Conflict(field, "The grant has ended; issue a new one instead.");
        }
        if (until is not { } end)
        {
            return Failure.Invalid(field, $"{field} is required.");
        }
        if (end <= grant.ValidUntil)
        {
            return Failure.Invalid(field, $"{field} must come after the grant's current end ({grant.ValidUntil:yyyy-MM-dd HH:mm} UTC).");
        }
        if (end - now > GrantRules.MaxPeriod)
        {
            return Failure.Invalid(field, "A grant cannot run more than five years from now.");
        }
        grant.ValidUntil = end;
        return null;
    }

    /// <summary>Ends a grant at once, with a reason. In force on this instance before the answer, on the others within milliseconds.</summary>
    public async Task<Outcome<GrantView>> RevokeAsync(Caller caller, Guid grantId, RevokeGrantInput input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(input);
        var why = GrantRules.Reason(input.Reason, "the grantees are told");
        if (why.Failure is { } invalid)
        {
            return invalid;
        }
        var reason = why.Value!;
        await using var db = await dbs.CreateDbContextAsync(ct);
        var managed = await GrantRules.ManagedGrantAsync(db, caller, grantId, "revoke its grants", ct);
        if (managed.Failure is { } denied)
        {
            return denied;
        }
        var (grant, me, dataset) = managed.Value;
        if (grant.RevokedAt is not null)
        {
            return Failure.Conflict("grantId", "The grant is already revoked.");
        }
        var now = time.GetUtcNow();
        // Whoever it covered before the revocation is told, so expand first.
        await NotifyCoveredAsync(db, grant, now, "grant.revoked", $"Your access to {dataset.Name} was revoked",
            $"{me.DisplayName} revoked your access to \"{dataset.Name}\". Reason: {reason}", ct);
        grant.RevokedAt = now;
        grant.RevokedById = me.Id;
        grant.RevocationReason = reason;
        audit.Add(db, "grant.revoked", AuditOutcome.Success, caller.Actor, voId: grant.GranteeVoId, datasetId: grant.DatasetId, grantId: grant.Id,
            reason: reason);
        if (await SaveAsync(db, ct) is { } conflict)
        {
            return conflict;
        }
        await GrantRules.ApplyToPolicyAsync(dbs, engine, grant.Id, ct);
        notifications.WakeDelivery();
        return await ViewAsync(grant.Id, ct);
    }

    private static async Task<Failure?> SaveAsync(PortalDb db, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return null;
        }
        catch (DbUpdateConcurrencyException)
        {
            return Failure.Conflict("grantId", "Someone else changed this grant at the same time; reload and try again.");
        }
    }

    /// <summary>Every grant of a dataset, live first, with its status now. Owners and stewards only.</summary>
    public async Task<Outcome<IReadOnlyList<GrantView>>> ForDatasetAsync(Caller caller, Guid datasetId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        await using var db = await dbs.CreateDbContextAsync(ct);
        var manager = await GrantRules.ManagerAsync(db, caller, datasetId, "see its grants", ct);
        if (manager.Failure is { } denied)
        {
            return denied;
        }
        var now = time.GetUtcNow();
        var grants = await WithNames(db).Where(g => g.DatasetId == datasetId).ToListAsync(ct);
        return grants.Select(g => ToView(g, now, g.ValidUntil, null))
            .OrderBy(v => v.Status == GrantStatus.Live ? 0 : v.Status == GrantStatus.Upcoming ? 1 : 2)
            .ThenByDescending(v => v.ValidUntil).ToList();
    }

    /// <summary>
    /// The people who can use the dataset now: person grants, and VO, role and institution grants expanded to the live
    /// members they cover, each with the grant it comes from and when it ends for them. Owners and stewards only.
    /// </summary>
    public async Task<Outcome<IReadOnlyList<AccessEntry>>> WhoHasAccessAsync(Caller caller, Guid datasetId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        await using var db = await dbs.CreateDbContextAsync(ct);
        var manager = await GrantRules.ManagerAsync(db, caller, datasetId, "see who has access", ct);
        if (manager.Failure is { } denied)
        {
            return denied;
        }
        var now = time.GetUtcNow();
        var grants = await WithNames(db).Where(g => g.DatasetId == datasetId).LiveAt(now).ToListAsync(ct);
        var coverage = await GrantRules.CoverageAsync(db, grants, now, ct);
        return coverage.Select(c => new AccessEntry(c.UserId, c.DisplayName, c.Institution, c.Grant.Id, c.Grant.GranteeKind.ToString(), Via(c.Grant), c.Until))
            .OrderBy(e => e.DisplayName, StringComparer.Ordinal).ThenBy(e => e.Until).ToList();
    }

    /// <summary>What the caller can use now (or, with includeEnded, ever had): grants to them and to their VOs, roles and institution.</summary>
    public async Task<Outcome<IReadOnlyList<GrantView>>> MineAsync(Caller caller, bool includeEnded, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        await using var db = await dbs.CreateDbContextAsync(ct);
        var me = await GrantRules.CallerAsync(db, caller, ct);
        if (me.Failure is { } denied)
        {
            return denied;
        }
        var now = time.GetUtcNow();
        var candidates = WithNames(db).NamingUser(db, me.Value!.Id, now);
        var live = await candidates.LiveAt(now).ToListAsync(ct);
        var mine = (await GrantRules.CoverageAsync(db, live, now, ct)).Where(c => c.UserId == me.Value.Id)
            .Select(c => ToView(c.Grant, now, c.Until, Via(c.Grant))).ToList();
        if (includeEnded)
        {
            var ended = await candidates.Where(g => g.GranteeUserId == me.Value.Id && (g.RevokedAt != null || g.ValidUntil <= now)).ToListAsync(ct);
            mine.AddRange(ended.Select(g => ToView(g, now, g.ValidUntil, Via(g))));
        }
        return mine.OrderBy(v => v.Status == GrantStatus.Live ? 0 : 1).ThenBy(v => v.EndsAt).ToList();
    }

    /// <summary>One grant, for its dataset's owner and stewards and for the people it names.</summary>
    public async Task<Outcome<GrantView>> GetAsync(Caller caller, Guid grantId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        await using var db = await dbs.CreateDbContextAsync(ct);
        var me = await GrantRules.CallerAsync(db, caller, ct);
        if (me.Failure is { } denied)
        {
            return denied;
        }
        var now = time.GetUtcNow();
        var grant = await WithNames(db).SingleOrDefaultAsync(g => g.Id == grantId, ct);
        if (grant is null)
        {
            return Failure.NotFound("No such grant.");
        }
        if (!await GrantRules.IsManagerAsync(db, grant.DatasetId, me.Value!.Id, ct)
            && grant.GranteeUserId != me.Value.Id
            && !(await GrantRules.CoverageAsync(db, [grant], now, ct)).Any(c => c.UserId == me.Value.Id))
        {
            return Failure.NotFound("No such grant.");
        }
        return ToView(grant, now, grant.ValidUntil, Via(grant));
    }

    /// <summary>What the direct-grant form offers: the VOs the dataset is shared into, their live members and their institutions.</summary>
    public async Task<Outcome<GrantOptions>> OptionsAsync(Caller caller, Guid datasetId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        await using var db = await dbs.CreateDbContextAsync(ct);
        var manager = await GrantRules.ManagerAsync(db, caller, datasetId, "grant access to it", ct);
        if (manager.Failure is { } denied)
        {
            return denied;
        }
        var now = time.GetUtcNow();
        var vos = await db.DatasetShares.AsNoTracking().Where(s => s.DatasetId == datasetId && s.Vo!.ArchivedAt == null)
            .OrderBy(s => s.Vo!.Name).Select(s => new GrantOption(s.VoId, s.Vo!.Name)).ToListAsync(ct);
        var voIds = vos.Select(v => v.Id).ToList();
        var people = await db.Memberships.AsNoTracking().Where(Membership.ActiveAt(now))
            .Where(m => voIds.Contains(m.VoId))
            .Select(m => new { m.UserId, m.User!.DisplayName, m.User.InstitutionId, Institution = m.User.Institution!.Name })
            .ToListAsync(ct);
        return new GrantOptions(manager.Value.Dataset.Name, vos,
            [.. people.DistinctBy(p => p.UserId).OrderBy(p => p.DisplayName, StringComparer.Ordinal).Select(p => new GrantOption(p.UserId, p.DisplayName))],
            [.. people.Where(p => p.InstitutionId is not null).DistinctBy(p => p.InstitutionId).Select(p => new GrantOption(p.InstitutionId!.Value, p.Institution ?? ""))]);
    }

    internal async Task<GrantView> ViewAsync(Guid grantId, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var grant = await WithNames(db).SingleAsync(g => g.Id == grantId, ct);
        return ToView(grant, time.GetUtcNow(), grant.ValidUntil, Via(grant));
    }

    /// <summary>Tells everyone the grant covers now (in the portal and by e-mail). Adds to the caller's unit of work.</summary>
    internal async Task NotifyCoveredAsync(PortalDb db, Grant grant, DateTimeOffset now, string kind, string title, string body, CancellationToken ct)
    {
        // The coverage of a grant not yet valid or saved: as if it were live now.
        var asLive = new Grant
        {
            Id = grant.Id,
            DatasetId = grant.DatasetId,
            GranteeKind = grant.GranteeKind,
            GranteeUserId = grant.GranteeUserId,
            GranteeVoId = grant.GranteeVoId,
            GranteeRole = grant.GranteeRole,
            GranteeInstitutionId = grant.GranteeInstitutionId,
            ValidFrom = grant.ValidFrom,
            ValidUntil = grant.ValidUntil > now ? grant.ValidUntil : now.AddTicks(1),
        };
        foreach (var userId in (await GrantRules.CoverageAsync(db, [asLive], now, ct)).Select(c => c.UserId).Distinct())
        {
            notifications.Notify(db, Recipient.User(userId), kind, title, body, GrantLinks.MyGrants);
        }
    }

    internal static IQueryable<Grant> WithNames(PortalDb db) => db.Grants.AsNoTracking()
        .Include(g => g.Dataset).Include(g => g.GranteeUser).Include(g => g.GranteeVo).Include(g => g.GranteeInstitution);

    internal static string Via(Grant g) => g.GranteeKind switch
    {
        GranteeKind.Person => "personal grant",
        GranteeKind.Vo => $"member of {g.GranteeVo?.Name}",
        GranteeKind.VoRole => $"{g.GranteeRole?.ToString().ToLowerInvariant()} of {g.GranteeVo?.Name}",
        GranteeKind.VoInstitution => $"member of {g.GranteeVo?.Name} from {g.GranteeInstitution?.Name}",
        _ => g.GranteeKind.ToString(),
    };

    internal static GrantView ToView(Grant g, DateTimeOffset now, DateTimeOffset endsAt, string? via) => new(
        g.Id, g.DatasetId, g.Dataset?.Name ?? "", g.GranteeKind.ToString(), g.GranteeUserId, g.GranteeUser?.DisplayName ?? via,
        g.GranteeVoId, g.GranteeVo?.Name, g.GranteeRole?.ToString(), g.GranteeInstitutionId, g.GranteeInstitution?.Name,
        [.. g.Purposes.Select(p => p.ToString())], g.Purposes.Any(p => p.Commercial), g.Columns, g.ProfileVersion, g.K,
        g.ValidFrom, g.ValidUntil, GrantRules.Status(g, now), g.RevokedAt, g.RevocationReason, g.RequestId, endsAt);
}
