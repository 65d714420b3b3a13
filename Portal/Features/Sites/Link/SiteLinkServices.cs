using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Audit;

namespace Portal.Features.Sites.Link;

/// <summary>What the link's calls work with.</summary>
public sealed record SiteLinkServices(
    IDbContextFactory<PortalDb> Dbs,
    AuditLog Audit,
    TimeProvider Time,
    AgentSessions Sessions,
    ILoggerFactory Logs);
