using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Audit;
using Portal.Features.Notifications;
using Portal.Hosting;
using Portal.Policy;

namespace Portal.Features.Access;

/// <summary>
/// What every access use case may use, bound by minimal APIs with <c>[AsParameters]</c> and injected into the pages:
/// services only, no state of a request.
/// </summary>
public sealed record AccessServices(
    IDbContextFactory<PortalDb> Dbs, AuditLog Audit, NotificationService Notifications, PolicyEngine Engine, TimeProvider Time,
    PortalMetrics Metrics)
{
    /// <summary>
    /// Puts a committed grant change into this instance's engine before the caller is answered. The database trigger
    /// notifies every instance (PolicySync); this applies the same "grant:&lt;id&gt;" change here at once, so a revocation
    /// is in force on this instance when the revoker sees "done", not a few milliseconds later.
    /// </summary>
    public async Task ApplyToPolicyAsync(Guid grantId, CancellationToken ct)
    {
        await using var db = await Dbs.CreateDbContextAsync(ct);
        await PolicyLoader.ApplyAsync(db, Engine, $"grant:{grantId}", ct);
    }
}
