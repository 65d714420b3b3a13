using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Audit;
using Portal.Features.Notifications;

namespace Portal.Features.VirtualOrganizations;

/// <summary>
/// What every VO use case needs, bound with <c>[AsParameters]</c> in the endpoints and injected into the pages.
/// Each use case writes its change, its audit event and its notifications in one unit of work.
/// </summary>
public sealed record VoServices(IDbContextFactory<PortalDb> Dbs, AuditLog Audit, NotificationService Notifications, TimeProvider Time);
