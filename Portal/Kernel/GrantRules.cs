using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Access;
using Portal.Features.AccessRequests;
using Portal.Features.Datasets;
using Portal.Features.SignIn;
using Portal.Features.VirtualOrganizations;
using Portal.Policy;
using Portal.Policy.Duo;
using Portal.Policy.Model;

namespace Portal.Kernel;

/// <summary>
/// The rules the request and grant services share. Like VoAccess, they read the database inside the operation's own
/// transaction: deciding a request must see the very rows the decision changes, not the engine's copy a moment later.
/// </summary>
public static class GrantRules
{
    public const int DescriptionMax = 4000;
    public const int EthicsMax = 200;
    public const int ReasonMax = 2000;
    public const int DiseaseMax = 64;
    public const int ColumnsMax = 500;

    /// <summary>The longest a grant (or a requested period) may run: data use is time-boxed.</summary>
    public static readonly TimeSpan MaxPeriod = TimeSpan.FromDays(5 * 365 + 1);

    /// <summary>A client's "now" and the server's differ by a request's travel time; a start this close counts as now.</summary>
    public static readonly TimeSpan StartTolerance = TimeSpan.FromMinutes(5);

    public static Task<Outcome<User>> CallerAsync(PortalDb db, Caller caller, CancellationToken ct) => VoAccess.CallerAsync(db, caller, ct);

    public static Task<bool> IsManagerAsync(PortalDb db, Guid datasetId, Guid userId, CancellationToken ct) =>
        db.Datasets.AnyAsync(d => d.Id == datasetId && (d.OwnerId == userId || d.Stewards.Any(s => s.UserId == userId)), ct);

    /// <summary>
    /// The caller and the dataset, when the caller owns or stewards it; otherwise why not: 403 for someone who may see
    /// the dataset in a VO catalogue, 404 for everyone else, who may not even learn that it exists.
    /// </summary>
    public static async Task<Outcome<(User Me, Dataset Dataset)>> ManagerAsync(
        PortalDb db, Caller caller, Guid datasetId, string action, CancellationToken ct, string notFound = "No such dataset.")
    {
        var me = await CallerAsync(db, caller, ct);
        if (me.Failure is { } f)
        {
            return f;
        }
        var dataset = await db.Datasets.SingleOrDefaultAsync(d => d.Id == datasetId, ct);
        if (dataset is null)
        {
            return Failure.NotFound(notFound);
        }
        if (await IsManagerAsync(db, datasetId, me.Value!.Id, ct))
        {
            return (me.Value, dataset);
        }
        return await InCatalogueOfAsync(db, dataset, me.Value.Id, ct)
            ? Failure.Forbidden($"Only the owner or a steward of \"{dataset.Name}\" may {action}.")
            : Failure.NotFound(notFound);
    }

    /// <summary>Whether the dataset is active and shared into a VO the user is an active member of.</summary>
    public static Task<bool> InCatalogueOfAsync(PortalDb db, Dataset dataset, Guid userId, CancellationToken ct) =>
        dataset.Status != DatasetStatus.Active
            ? Task.FromResult(false)
            : db.DatasetShares.AnyAsync(s => s.DatasetId == dataset.Id && db.Memberships.Any(
                m => m.VoId == s.VoId && m.UserId == userId && m.Status == MembershipStatus.Active), ct);

    /// <summary>Serializes requests and decisions on one row. Call inside a transaction.</summary>
    public static Task LockDatasetAsync(PortalDb db, Guid datasetId, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync($"SELECT 1 FROM datasets WHERE id = {datasetId} FOR UPDATE", ct);

    public static Task LockRequestAsync(PortalDb db, Guid requestId, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync($"SELECT 1 FROM access_requests WHERE id = {requestId} FOR UPDATE", ct);

    /// <summary>
    /// Puts a committed grant change into this instance's engine before the caller is answered. The database trigger
    /// notifies every instance (PolicySync); this applies the same "grant:&lt;id&gt;" change here at once, so a revocation
    /// is in force on this instance when the revoker sees "done", not a few milliseconds later.
    /// </summary>
    public static async Task ApplyToPolicyAsync(IDbContextFactory<PortalDb> dbs, PolicyEngine engine, Guid grantId, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        await PolicyLoader.ApplyAsync(db, engine, $"grant:{grantId}", ct);
    }

    public static string Status(Grant g, DateTimeOffset now) =>
        g.RevokedAt is not null ? GrantStatus.Revoked
        : now >= g.ValidUntil ? GrantStatus.Ended
        : now < g.ValidFrom ? GrantStatus.Upcoming
        : GrantStatus.Live;

    /// <summary>A required reason ("reason"), trimmed and bounded; <paramref name="told"/> says who reads it.</summary>
    public static Outcome<string> Reason(string? value, string told)
    {
        var reason = value?.Trim();
        if (string.IsNullOrEmpty(reason))
        {
            return Failure.Invalid("reason", $"reason is required: {told} why.");
        }
        return Length(reason, ReasonMax, "reason") is { } tooLong ? tooLong : reason;
    }

    /// <summary>The grant, tracked, with the caller and its dataset when the caller owns or stewards that dataset.</summary>
    public static async Task<Outcome<(Grant Grant, User Me, Dataset Dataset)>> ManagedGrantAsync(
        PortalDb db, Caller caller, Guid grantId, string action, CancellationToken ct)
    {
        var grant = await db.Grants.SingleOrDefaultAsync(g => g.Id == grantId, ct);
        if (grant is null)
        {
            return Failure.NotFound("No such grant.");
        }
        var manager = await ManagerAsync(db, caller, grant.DatasetId, action, ct, "No such grant.");
        return manager.Failure is { } denied ? denied : (grant, manager.Value.Me, manager.Value.Dataset);
    }

    public static Failure? Length(string? value, int max, string field) =>
        value is not null && value.Length > max ? Failure.Invalid(field, $"{field} is longer than {max} characters ({value.Length}).") : null;

    /// <summary>A purpose as written ("DS:HIV", "HMB"): DUO code known, disease only where the code takes one.</summary>
    public static Outcome<Purpose> Purpose(string? text, bool commercial, string field)
    {
        if (!PurposeCodes.TryParseDeclared(text, commercial, null, out var declared, out var error))
        {
            return Failure.Invalid(field, error!);
        }
        if (declared.Code == PurposeCode.DS && declared.Disease is null)
        {
            return Failure.Invalid(field, "A disease-specific purpose names its disease, e.g. DS:HIV.");
        }
        if (declared.Disease is { Length: > DiseaseMax })
        {
            return Failure.Invalid(field, $"The disease is longer than {DiseaseMax} characters.");
        }
        return new Purpose { Code = declared.Code.ToString(), Disease = declared.Disease, Commercial = commercial };
    }

    /// <summary>Does the purpose fit the dataset's DUO conditions? Ethics approval is the request's business, not the grant's.</summary>
    public static Failure? FitsDataUse(Dataset dataset, Purpose purpose, string field)
    {
        var declared = new DeclaredPurpose(PurposeCodes.Parse(purpose.Code), purpose.Disease, purpose.Commercial, "granted");
        var reasons = DuoMatcher.Match(PolicyMapping.ToPolicy(dataset.DataUse), declared, DiseaseHierarchy.Default);
        return reasons.IsEmpty
            ? null
            : Failure.Invalid(field, $"{purpose} does not fit the data use conditions of \"{dataset.Name}\": "
                + string.Join(" ", reasons.ToList().Select(ReasonCatalog.Sentence)));
    }

    /// <summary>Column names the dataset has, without duplicates; null stays null (everything the profile lets out).</summary>
    public static Outcome<List<string>?> Columns(Dataset dataset, IReadOnlyList<string>? columns, string field)
    {
        if (columns is null)
        {
            return Outcome.Ok<List<string>?>(null);
        }
        if (columns.Count == 0)
        {
            return Failure.Invalid(field, $"{field} is empty; leave it out for every column the anonymization profile lets out.");
        }
        if (columns.Count > ColumnsMax)
        {
            return Failure.Invalid(field, $"{field} lists more than {ColumnsMax} columns.");
        }
        var known = dataset.Columns.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var unknown = columns.Where(c => c is null || !known.Contains(c)).Select(c => c ?? "(null)").ToList();
        if (unknown.Count > 0)
        {
            return Failure.Invalid(field, $"\"{dataset.Name}\" has no column {string.Join(", ", unknown.Take(5).Select(c => $"\"{c[..Math.Min(c.Length, 64)]}\""))}.");
        }
        return columns.Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>A period that starts now or later (within a small tolerance), ends after it starts, and is not too long.</summary>
    public static Failure? Period(DateTimeOffset from, DateTimeOffset? until, DateTimeOffset now, string fromField, string untilField, bool fromMayBePast = false)
    {
        if (until is not { } end)
        {
            return Failure.Invalid(untilField, $"{untilField} is required.");
        }
        if (!fromMayBePast && from < now - StartTolerance)
        {
            return Failure.Invalid(fromField, $"{fromField} lies in the past.");
        }
        if (end <= now)
        {
            return Failure.Invalid(untilField, $"{untilField} lies in the past.");
        }
        if (end <= from)
        {
            return Failure.Invalid(untilField, $"{untilField} must come after {fromField}.");
        }
        if (end - from > MaxPeriod || end - now > MaxPeriod)
        {
            return Failure.Invalid(untilField, $"{untilField} lies more than five years ahead; access is time-boxed, ask again before it ends.");
        }
        return null;
    }

    /// <summary>Who a grant covers now: the person, or the VO's live members (with the role, from the institution).</summary>
    public static async Task<List<Coverage>> CoverageAsync(PortalDb db, IReadOnlyCollection<Grant> grants, DateTimeOffset now, CancellationToken ct)
    {
        var voIds = grants.Where(g => g.GranteeVoId is not null).Select(g => g.GranteeVoId!.Value).Distinct().ToList();
        var personIds = grants.Where(g => g.GranteeKind == GranteeKind.Person).Select(g => g.GranteeUserId!.Value).Distinct().ToList();
        var members = await db.Memberships.AsNoTracking().Where(Membership.ActiveAt(now))
            .Where(m => voIds.Contains(m.VoId) && !m.User!.Suspended)
            .Select(m => new { m.VoId, m.UserId, m.Role, m.ExpiresAt, m.User!.DisplayName, m.User.InstitutionId, Institution = m.User.Institution!.Name })
            .ToListAsync(ct);
        var people = await db.Users.AsNoTracking().Where(u => personIds.Contains(u.Id) && !u.Suspended)
            .Select(u => new { u.Id, u.DisplayName, Institution = u.Institution!.Name })
            .ToDictionaryAsync(u => u.Id, ct);
        var result = new List<Coverage>();
        foreach (var g in grants)
        {
            if (g.GranteeKind == GranteeKind.Person)
            {
                if (people.TryGetValue(g.GranteeUserId!.Value, out var p))
                {
                    result.Add(new Coverage(g, p.Id, p.DisplayName, p.Institution, g.ValidUntil));
                }
                continue;
            }
            foreach (var m in members.Where(m => m.VoId == g.GranteeVoId
                && (g.GranteeKind != GranteeKind.VoRole || m.Role == g.GranteeRole)
                && (g.GranteeKind != GranteeKind.VoInstitution || m.InstitutionId == g.GranteeInstitutionId)))
            {
                var until = m.ExpiresAt is { } e && e < g.ValidUntil ? e : g.ValidUntil;
                result.Add(new Coverage(g, m.UserId, m.DisplayName, m.Institution, until));
            }
        }
        return result;
    }

    public static IQueryable<Grant> LiveAt(this IQueryable<Grant> grants, DateTimeOffset now) =>
        grants.Where(g => g.RevokedAt == null && g.ValidFrom <= now && g.ValidUntil > now);

    /// <summary>Grants that may cover the user: theirs, or their live VOs' (filtered by role and institution later).</summary>
    public static IQueryable<Grant> NamingUser(this IQueryable<Grant> grants, PortalDb db, Guid userId, DateTimeOffset now)
    {
        var myVos = db.Memberships.Where(Membership.ActiveAt(now)).Where(m => m.UserId == userId)
            .Select(m => m.VoId);
        return grants.Where(g => g.GranteeUserId == userId || (g.GranteeVoId != null && myVos.Contains(g.GranteeVoId.Value)));
    }
}

/// <summary>One person a grant covers now, and until when (the grant's end, or their membership's if sooner).</summary>
public sealed record Coverage(Grant Grant, Guid UserId, string DisplayName, string? Institution, DateTimeOffset Until);

public static class GrantStatus
{
    public const string Live = "Live";
    public const string Upcoming = "Upcoming";
    public const string Ended = "Ended";
    public const string Revoked = "Revoked";
}

/// <summary>Paths of the request and grant pages, for links in notifications.</summary>
public static class GrantLinks
{
    public const string MyGrants = "/grants";
    public const string MyRequests = "/access-requests";
    public const string Inbox = "/access-requests/inbox";

    public static string DatasetAccess(Guid datasetId) => $"/grants/datasets/{datasetId}";
}
