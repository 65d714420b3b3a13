using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Audit;
using Portal.Features.Sites.Link;

namespace Portal.Features.Sites;

/// <summary>
/// What the site-agent use cases work with, bound with [AsParameters] in the endpoints, injected into the page and
/// handed to the use cases by the gRPC link.
/// </summary>
public sealed record SitesServices(
    IDbContextFactory<PortalDb> Dbs,
    AuditLog Audit,
    TimeProvider Time,
    OrderSigningKey OrderKey,
    PublicAddress Address)
{
    /// <summary>
    /// How agents name this portal: its public base URL, or, where none is configured, the order key's fingerprint
    /// (stable as long as every instance reads the same key file).
    /// </summary>
    public string PortalId => Address.Origin ?? "portal-key:" + OrderKey.Fingerprint;
}
