using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Notifications;

namespace Portal.Features.Access.Grants;

/// <summary>A grant as its dataset's owner or its grantee sees it. Status is computed at the time of asking: Live, Upcoming, Ended or Revoked.</summary>
public sealed record GrantView(
    Guid Id, Guid DatasetId, string DatasetName, string GranteeKind, Guid? GranteeUserId, string? GranteeName,
    Guid? VoId, string? VoName, string? Role, Guid? InstitutionId, string? InstitutionName,
    IReadOnlyList<string> Purposes, bool CommercialAllowed, IReadOnlyList<string>? Columns, int ProfileVersion, int K,
    DateTimeOffset ValidFrom, DateTimeOffset ValidUntil, string Status, DateTimeOffset? RevokedAt, string? RevocationReason, Guid? RequestId,
    DateTimeOffset EndsAt);

/// <summary>One person who can use a dataset now, through which grant, until when.</summary>
public sealed record AccessEntry(Guid UserId, string DisplayName, string? Institution, Guid GrantId, string GranteeKind, string Via, DateTimeOffset Until);

public sealed record GrantOption(Guid Id, string Name);

/// <summary>Choices for a direct grant on one dataset.</summary>
public sealed record GrantOptions(string DatasetName, IReadOnlyList<GrantOption> Vos, IReadOnlyList<GrantOption> People, IReadOnlyList<GrantOption> Institutions);

/// <summary>The queries and notifications the grant use cases share.</summary>
public static class GrantViews
{
    public static readonly Failure NotFound = Failure.NotFound("access.grant.not_found", "No such grant.");

    public static IQueryable<Grant> WithNames(PortalDb db)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.Grants.AsNoTracking()
            .Include(g => g.Dataset).Include(g => g.GranteeUser).Include(g => g.GranteeVo).Include(g => g.GranteeInstitution);
    }

    public static async Task<GrantView> ViewAsync(AccessServices services, Guid grantId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        await using var db = await services.Dbs.CreateDbContextAsync(ct);
        var grant = await WithNames(db).SingleAsync(g => g.Id == grantId, ct);
        return ToView(grant, services.Time.GetUtcNow(), grant.ValidUntil, Via(grant));
    }

    public static string Via(Grant g)
    {
        ArgumentNullException.ThrowIfNull(g);
        return g.GranteeKind switch
        {
            GranteeKind.Person => "personal grant",
            GranteeKind.Vo => $"member of {g.GranteeVo?.Name}",
            GranteeKind.VoRole => $"{g.GranteeRole?.ToString().ToLowerInvariant()} of {g.GranteeVo?.Name}",
            GranteeKind.VoInstitution => $"member of {g.GranteeVo?.Name} from {g.GranteeInstitution?.Name}",
            _ => g.GranteeKind.ToString(),
        };
    }

    public static GrantView ToView(Grant g, DateTimeOffset now, DateTimeOffset endsAt, string? via)
    {
        ArgumentNullException.ThrowIfNull(g);
        return new(
            g.Id, g.DatasetId, g.Dataset?.Name ?? "", g.GranteeKind.ToString(), g.GranteeUserId, g.GranteeUser?.DisplayName ?? via,
            g.GranteeVoId, g.GranteeVo?.Name, g.GranteeRole?.ToString(), g.GranteeInstitutionId, g.GranteeInstitution?.Name,
            [.. g.Purposes.Select(p => p.ToString())], g.Purposes.Any(p => p.Commercial), g.Columns, g.ProfileVersion, g.K,
            g.ValidFrom, g.ValidUntil, GrantStatus.Of(g, now), g.RevokedAt, g.RevocationReason, g.RequestId, endsAt);
    }

    /// <summary>The grant, tracked, with the caller and its dataset when the caller owns or stewards that dataset.</summary>
    public static async Task<Outcome<(Grant Grant, User Me, Dataset Dataset)>> ManagedAsync(
        PortalDb db, Caller caller, Guid grantId, string action, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var grant = await db.Grants.SingleOrDefaultAsync(g => g.Id == grantId, ct);
        if (grant is null)
        {
            return NotFound;
        }
        var manager = await DatasetManagers.ManagerAsync(db, caller, grant.DatasetId, action, ct, NotFound);
        return manager.Failure is { } denied ? denied : (grant, manager.Value.Me, manager.Value.Dataset);
    }

    /// <summary>Saves a change to a grant; someone else's change at the same moment is a conflict, not an overwrite.</summary>
    public static async Task<Failure?> SaveAsync(PortalDb db, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        try
        {
            await db.SaveChangesAsync(ct);
            return null;
        }
        catch (DbUpdateConcurrencyException)
        {
            return Failure.Conflict("access.grant.concurrent_change", "grantId", "Someone else changed this grant at the same time; reload and try again.");
        }
    }

    /// <summary>Tells everyone the grant covers now (in the portal and by e-mail). Adds to the caller's unit of work.</summary>
    public static async Task NotifyCoveredAsync(
        AccessServices services, PortalDb db, Grant grant, DateTimeOffset now, string kind, string title, string body, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(grant);
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
        foreach (var userId in (await GrantCoverage.CoverageAsync(db, [asLive], now, ct)).Select(c => c.UserId).Distinct())
        {
            services.Notifications.Notify(db, Recipient.User(userId), kind, title, body, GrantLinks.MyGrants);
        }
    }
}
