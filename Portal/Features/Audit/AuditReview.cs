using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Data;

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
/// datasets; nobody else any. The search, the export and the review page ask here.
/// </summary>
public static class AuditReview
{
    public const int MaxExportRows = 100_000;

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
        if (principal.TokenId() is not null)
        {
            return Failure.Forbidden("audit.read.browser_only", "The audit trail is read in a browser session, not with an API token.");
        }
        var events = db.AuditEvents.AsNoTracking();
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == me, ct);
        if (user is null || user.Suspended)
        {
            return Failure.Forbidden("audit.read.account_suspended", "Your account may not read the audit trail.");
        }
        if (user.PlatformRoles.HasFlag(PlatformRoles.Auditor))
        {
            return Outcome.Ok(events);
        }
        var mine = db.Datasets.Where(d => d.OwnerId == me || d.Stewards.Any(s => s.UserId == me)).Select(d => (Guid?)d.Id);
        if (!await mine.AnyAsync(ct))
        {
            return Failure.Forbidden("audit.read.not_allowed", "Only auditors, and owners and stewards of datasets, read the audit trail.");
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
            return Failure.Invalid("audit.filter.period_invalid", "to", "'to' must come after 'from'.");
        }
        if (type is { Length: > 64 })
        {
            return Failure.Invalid("audit.filter.type_too_long", "type", "An event type has at most 64 characters, e.g. 'export' or 'signin.failed'.");
        }
        AuditOutcome? parsed = null;
        if (!string.IsNullOrEmpty(outcome))
        {
            if (!Enum.TryParse<AuditOutcome>(outcome, ignoreCase: true, out var o) || !Enum.IsDefined(o))
            {
                return Failure.Invalid("audit.filter.outcome_invalid", "outcome", "outcome is one of Success, Failure, Denied.");
            }
            parsed = o;
        }
        return new AuditFilter(from, to, actor, vo, dataset, type, parsed);
    }

    public static AuditEventView View(AuditEvent e) => new(
        e.Id, e.ChainSeq, e.OccurredAt, e.Type, e.Outcome.ToString(), e.ActorUserId, e.ActorName, e.ActorIp, e.ApiTokenId,
        e.VoId, e.DatasetId, e.GrantId, e.Reason, e.Details?.RootElement.GetRawText(),
        e.Hash is null ? null : Convert.ToHexStringLower(e.Hash));
}
