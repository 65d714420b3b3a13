using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Features.Audit;

/// <summary>
/// What the audit review use cases need, bound with <c>[AsParameters]</c> in the endpoints and injected into the page.
/// The configuration gives the chain check its own connection (it streams the whole trail in order).
/// </summary>
public sealed record AuditServices(IDbContextFactory<PortalDb> Dbs, IConfiguration Configuration);
