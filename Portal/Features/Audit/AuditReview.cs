using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.SignIn;
using Portal.Features.Tokens;

namespace Portal.Features.Audit;

/// <summary>A filter over the trail, as the review page and /api/audit take it.</summary>
public sealed record AuditFilter(
    DateTimeOffset? From = null, DateTimeOffset? To = null, Guid? Actor = null, Guid? Vo = null, Guid? Dataset = null,
    string? Type = null, AuditOutcome? Outcome = null);

public sealed record AuditEventView(
    long Id, long? ChainSeq, DateTimeOffset OccurredAt, string Type, string Outcome, Guid? ActorUserId, string? ActorName,
    string? ActorIp, Guid? ApiTokenId, Guid? VoId, Guid? DatasetId, Guid? GrantId, string? Reason, string? Details, string? Hash);

/// <summary>
/// Who may read which part of the trail: portal auditors all of it; owners and stewards the events of their
/// datasets; nobody else any. Both the API and the review page ask here.
/// </summary>
public sealed class AuditReview(IDbContextFactory<PortalDb> dbs)
{
    public const int MaxExportRows = 100_000;

    public async Task<Outcome<PageOf<AuditEventView>>> SearchAsync(Caller caller, AuditFilter filter, Paging paging, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        await using var db = await dbs.CreateDbContextAsync(ct);
        var scoped = await ScopeAsync(db, caller.Principal, ct);
        if (scoped.Failure is { } failure)
        {
            return failure;
        }
        var query = Apply(scoped.Value!, filter);
        var total = await query.CountAsync(ct);
        var items = await query.OrderByDescending(e => e.Id).Skip(paging.Skip).Take(paging.PageSize).ToListAsync(ct);
        return new PageOf<AuditEventView>([.. items.Select(View)], paging.Page, paging.PageSize, total);
    }

    /// <summary>Every event the caller may see that matches, oldest first, streamed (for CSV and JSON downloads).</summary>
    public static async IAsyncEnumerable<AuditEventView> StreamAsync(IQueryable<AuditEvent> scoped, AuditFilter filter,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var e in Apply(scoped, filter).OrderBy(e => e.Id).Take(MaxExportRows).AsAsyncEnumerable().WithCancellation(ct))
        {
            yield return View(e);
        }
    }

    public static async Task<Outcome<IQueryable<AuditEvent>>> ScopeAsync(PortalDb db, ClaimsPrincipal principal, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (principal.UserId() is not { } me)
        {
            return Failure.SignInRequired;
        }
        if (BearerTokens.TokenIdOf(principal) is not null)
        {
            return Failure.Forbidden("The audit trail is read in a browser session, not with an API token.");
        }
        var events = db.AuditEvents.AsNoTracking();
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == me, ct);
        if (user is null || user.Suspended)
        {
            return Failure.Forbidden("Your account may not read the audit trail.");
        }
        if (user.PlatformRoles.HasFlag(PlatformRoles.Auditor))
        {
            return Outcome.Ok(events);
        }
        var mine = db.Datasets.Where(d => d.OwnerId == me || d.Stewards.Any(s => s.UserId == me)).Select(d => (Guid?)d.Id);
        if (!await mine.AnyAsync(ct))
        {
            return Failure.Forbidden("Only auditors, and owners and stewards of datasets, read the audit trail.");
        }
        return Outcome.Ok(events.Where(e => mine.Contains(e.DatasetId)));
    }

    public static IQueryable<AuditEvent> Apply(IQueryable<AuditEvent> events, AuditFilter f)
    {
        ArgumentNullException.ThrowIfNull(f);
        if (f.From is { } from) { events = events.Where(e => e.OccurredAt >= from); }
        if (f.To is { } to) { events = events.Where(e => e.OccurredAt < to); }
        if (f.Actor is { } actor) { events = events.Where(e => e.ActorUserId == actor); }
        if (f.Vo is { } vo) { events = events.Where(e => e.VoId == vo); }
        if (f.Dataset is { } dataset) { events = events.Where(e => e.DatasetId == dataset); }
        if (!string.IsNullOrEmpty(f.Type)) { events = events.Where(e => e.Type.StartsWith(f.Type)); }
        if (f.Outcome is { } outcome) { events = events.Where(e => e.Outcome == outcome); }
        return events;
    }

    public static Outcome<AuditFilter> Filter(DateTimeOffset? from, DateTimeOffset? to, Guid? actor, Guid? vo, Guid? dataset, string? type, string? outcome)
    {
        if (from is not null && to is not null && to <= from)
        {
            return Failure.Invalid("to", "'to' must come after 'from'.");
        }
        if (type is { Length: > 64 })
        {
            return Failure.Invalid("type", "An event type has at most 64 characters, e.g. 'export' or 'signin.failed'.");
        }
        AuditOutcome? parsed = null;
        if (!string.IsNullOrEmpty(outcome))
        {
            if (!Enum.TryParse<AuditOutcome>(outcome, ignoreCase: true, out var o) || !Enum.IsDefined(o))
            {
                return Failure.Invalid("outcome", "outcome is one of Success, Failure, Denied.");
            }
            parsed = o;
        }
        return new AuditFilter(from, to, actor, vo, dataset, type, parsed);
    }

    private static AuditEventView View(AuditEvent e) => new(
        e.Id, e.ChainSeq, e.OccurredAt, e.Type, e.Outcome.ToString(), e.ActorUserId, e.ActorName, e.ActorIp, e.ApiTokenId,
        e.VoId, e.DatasetId, e.GrantId, e.Reason, e.Details?.RootElement.GetRawText(),
        e.Hash is null ? null : Convert.ToHexStringLower(e.Hash));
}
