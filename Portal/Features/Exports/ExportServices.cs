using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Audit;
using Portal.Features.Datasets.Sources;
using Portal.Features.Notifications;
using Portal.Features.Sites.Link;
using Portal.Hosting;
using Portal.Policy;

namespace Portal.Features.Exports;

/// <summary>What an export works with, bound with [AsParameters] in the endpoint and injected into the download page.</summary>
public sealed record ExportServices(
    IDbContextFactory<PortalDb> Dbs,
    PolicyEngine Engine,
    AuditLog Audit,
    DatasetSources Sources,
    PseudonymKeys Keys,
    TimeProvider Time,
    ILoggerFactory Logs,
    PortalMetrics Metrics,
    NotificationService Notifications,
    SiteOrders Sites,
    OrderSigningKey OrderKey);
